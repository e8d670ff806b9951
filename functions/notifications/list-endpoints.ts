import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { endpointView } from './endpoints.js';

/** GET /v1/webhook-endpoints: the merchant's endpoints, oldest first, one Query per page. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `webhook-endpoints:${merchantId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db().entities.webhookEndpoint.query.byMerchant({ merchantId }).go({ limit: request.query.limit, cursor: position });
  return { status: 200, body: await pageOf(scope, data.map(endpointView), cursor) };
});
