import * as z from 'zod';
import { db } from '../shared/db/service.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import type { PayoutLine } from './payout-line.js';
import { runView } from './payout-runs.js';
import { reportCsv, reportJson } from './report.js';
import { runById, runPath } from './run-access.js';

const query = z.object({ format: z.enum(['json', 'csv']).default('json') });

/** GET /v1/payout-runs/{id}/report?format=json|csv: the lines (and per-agency totals in JSON). */
export const handler = httpHandler({ access: keyed('finance'), path: runPath, query }, async ({ path, query: { format } }) => {
  const run = await runById(path.id);
  if (run.status !== 'completed') throw new ProblemError('invalid_state', { params: { state: run.status } });
  const { data } = await db().entities.payoutLine.query.byRun({ period: run.period }).go({ pages: 'all' });
  const lines = data.map((item) => item.line as PayoutLine);
  if (format === 'csv') {
    return {
      status: 200,
      body: reportCsv(lines),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payout-${run.period}.csv"` },
    };
  }
  return { status: 200, body: reportJson(runView(run), lines) };
});
