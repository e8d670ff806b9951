import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { runById, runPath } from './run-access.js';
import { runStatements } from './settlement-queries.js';
import { merchantStatementsCsv, merchantStatementsJson } from './settlement-views.js';

const query = z.object({ format: z._default(z.enum(['json', 'csv']), 'json') });

/** GET /v1/payout-runs/{id}/merchant-statements?format=json|csv: one line per merchant the run settled. */
export const handler = httpHandler({ access: keyed('finance'), path: runPath, query }, async ({ path, query: { format } }) => {
  const run = await runById(path.id);
  if (run.status !== 'completed') throw new ProblemError('invalid_state', { params: { state: run.status } });
  const statements = await runStatements(run.period);
  if (format === 'csv') {
    return {
      status: 200,
      body: merchantStatementsCsv(statements),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="merchant-statements-${run.period}.csv"` },
    };
  }
  return { status: 200, body: merchantStatementsJson(path.id, run.period, statements) };
});
