import { positionOf, startKeyOf } from '../shared/db/position.js';
import { payoutRunRecord, payoutRunsPartition } from './payout-items.js';
import { queryPage } from '../shared/db/read.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { runView } from './payout-runs.js';

/** GET /v1/payout-runs?limit&cursor: every run, newest period first, one Query per page. */
export const handler = httpHandler({ access: keyed('finance'), query: listQuery }, async (request) => {
  const scope = 'payout-runs';
  const position = await readCursor(scope, request.query.cursor);
  const page = await queryPage('payoutRun', payoutRunRecord, { index: 'gsi1', partition: payoutRunsPartition }, { limit: request.query.limit, descending: true, start: startKeyOf(position) });
  return { status: 200, body: await pageOf(scope, page.records.map(runView), positionOf(page.next)) };
});
