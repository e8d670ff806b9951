import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { deliveryPage } from './delivery-read.js';
import { deliveryView } from './deliveries.js';
import { endpointPath, getEndpoint } from './endpoints.js';

/** GET /v1/webhook-endpoints/{id}/deliveries: the endpoint's delivery log, newest first. */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath, query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const endpoint = await getEndpoint(merchantId, request.path.id);
  const scope = `webhook-deliveries:${endpoint.endpointId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { deliveries, last } = await deliveryPage(endpoint.endpointId, request.query.limit, startKeyOf(position));
  return { status: 200, body: await pageOf(scope, deliveries.map(deliveryView), positionOf(last)) };
});
