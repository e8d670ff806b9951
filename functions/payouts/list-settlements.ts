import { positionOf, startKeyOf } from '../shared/db/position.js';
import { queryPage } from '../shared/db/read.js';
import { merchantStatementRecord, merchantStatementsPrefix } from './settlement-items.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { settlementView } from './settlement-views.js';

/** GET /v1/settlements?limit&cursor: the merchant's settled periods (one statement each), newest first. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `settlements:${merchantId}`;
  const position = await readCursor(scope, request.query.cursor);
  const prefix = merchantStatementsPrefix(merchantId);
  const page = await queryPage('merchantStatement', merchantStatementRecord, { partition: prefix.pk, prefix: prefix.sk }, { descending: true, limit: request.query.limit, start: startKeyOf(position) });
  return { status: 200, body: await pageOf(scope, page.records.map(settlementView), positionOf(page.next)) };
});
