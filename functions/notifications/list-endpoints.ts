import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { endpointPage } from './endpoint-read.js';
import { endpointView } from './endpoints.js';

/** GET /v1/webhook-endpoints: the merchant's endpoints, oldest first, one Query per page. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `webhook-endpoints:${merchantId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { endpoints, last } = await endpointPage(merchantId, { limit: request.query.limit, start: startKeyOf(position) });
  return { status: 200, body: await pageOf(scope, endpoints.map(endpointView), positionOf(last)) };
});
