import { positionOf, startKeyOf } from '../shared/db/position.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';
import { csvPage, reportQuery } from './report-pages.js';
import { runById, runPath } from './run-access.js';
import { runStatementsPage } from './settlement-queries.js';
import { getMerchantRun } from './settlement-run.js';
import { merchantStatementsCsv, merchantStatementsJson, noMerchantTotals } from './settlement-views.js';

/**
 * GET /v1/payout-runs/{id}/merchant-statements?format=json|csv[&limit&cursor]: one line per
 * merchant the run settled, sorted by merchant, paged like the creator report (0024, 0053).
 * Every JSON page carries the whole run's totals, read from the run's merchant totals item.
 */
export const handler = httpHandler({ access: keyed('finance'), path: runPath, query: reportQuery }, async ({ path, query }) => {
  const run = await runById(path.id);
  if (run.status !== 'completed') throw new ProblemError('invalid_state', { params: { state: run.status } });
  const scope = `merchant-statements:${run.period}`;
  const position = await readCursor(scope, query.cursor);
  // The run's totals are in JSON pages only: a CSV page reads its lines alone.
  const [page, merchantRun] = await Promise.all([runStatementsPage(run.period, query.limit, startKeyOf(position)), query.format === 'json' ? getMerchantRun(run.period) : null]);
  const { nextCursor } = await pageOf(scope, [], positionOf(page.next));
  if (query.format === 'csv') {
    return csvPage(merchantStatementsCsv(page.records, query.cursor !== undefined), `merchant-statements-${run.period}.csv`, `/v1/payout-runs/${path.id}/merchant-statements`, query.limit, nextCursor);
  }
  return { status: 200, body: { ...merchantStatementsJson(path.id, run.period, page.records, merchantRun ?? noMerchantTotals), nextCursor } };
});
