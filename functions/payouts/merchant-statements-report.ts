import { positionOf, startKeyOf } from '../shared/db/position.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';
import { nextCsvPageHeaders, reportQuery } from './report-pages.js';
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
  const [page, merchantRun] = await Promise.all([runStatementsPage(run.period, query.limit, startKeyOf(position)), getMerchantRun(run.period)]);
  const { nextCursor } = await pageOf(scope, [], positionOf(page.next));
  if (query.format === 'csv') {
    return {
      status: 200,
      body: merchantStatementsCsv(page.records, query.cursor !== undefined),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="merchant-statements-${run.period}.csv"`,
        ...nextCsvPageHeaders(`/v1/payout-runs/${path.id}/merchant-statements`, query.limit, nextCursor),
      },
    };
  }
  return { status: 200, body: { ...merchantStatementsJson(path.id, run.period, page.records, merchantRun ?? noMerchantTotals), nextCursor } };
});
