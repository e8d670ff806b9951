import * as z from 'zod/mini';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { periodPattern } from './periods.js';
import { linesOf, statementOf } from './settlement-queries.js';
import { statementCsv, statementJson } from './settlement-views.js';

export const settlementPeriodPath = z.object({ period: z.string().check(z.regex(periodPattern, 'a period YYYY-MM')) });
export const statementQuery = z.object({ format: z._default(z.enum(['json', 'csv']), 'json') });

/**
 * GET /v1/settlements/{period}/statement?format=json|csv: the per-order lines and totals of a
 * settled period (every month its run covered), or of a period no run settled yet (`open`).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: settlementPeriodPath, query: statementQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const { period } = request.path;
  const settled = await statementOf(merchantId, period);
  const lines = await linesOf(merchantId, settled?.fromPeriod ?? period, period);
  if (request.query.format === 'csv') {
    return {
      status: 200,
      body: statementCsv(lines),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="statement-${period}.csv"` },
    };
  }
  return { status: 200, body: statementJson(merchantId, period, lines, settled) };
});
