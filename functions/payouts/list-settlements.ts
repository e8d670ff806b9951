import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { settlementView } from './settlement-views.js';

/** GET /v1/settlements?limit&cursor: the merchant's settled periods (one statement each), newest first. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `settlements:${merchantId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db().entities.merchantStatement.query.byMerchant({ merchantId }).go({ order: 'desc', limit: request.query.limit, cursor: position });
  return { status: 200, body: await pageOf(scope, data.map(settlementView), cursor) };
});
