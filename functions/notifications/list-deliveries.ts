import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { deliveryView } from './deliveries.js';
import { endpointPath, getEndpoint } from './endpoints.js';

/** GET /v1/webhook-endpoints/{id}/deliveries: the endpoint's delivery log, newest first. */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath, query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const endpoint = await getEndpoint(merchantId, request.path.id);
  const scope = `webhook-deliveries:${endpoint.endpointId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db()
    .entities.merchantWebhookDelivery.query.byEndpoint({ endpointId: endpoint.endpointId })
    .go({ limit: request.query.limit, cursor: position, order: 'desc' });
  return { status: 200, body: await pageOf(scope, data.map(deliveryView), cursor) };
});
