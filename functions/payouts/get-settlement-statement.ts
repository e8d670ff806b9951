import * as z from 'zod/mini';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';
import { periodPattern } from './periods.js';
import { csvPage, linesPage, reportQuery } from './report-pages.js';
import { linesOf, statementOf } from './settlement-queries.js';
import { statementCsv, statementJson, statementLineBytes } from './settlement-views.js';

export const settlementPeriodPath = z.object({ period: z.string().check(z.regex(periodPattern, 'a period YYYY-MM')) });

/**
 * GET /v1/settlements/{period}/statement?format=json|csv[&limit&cursor]: the per-order lines
 * and totals of a settled period (every month its run covered), or of a period no run settled
 * yet (`open`). Paged like the finance reports (0053): up to `limit` lines and 5 MB, by order;
 * every page carries the whole statement's totals.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: settlementPeriodPath, query: reportQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const { period } = request.path;
  const { format, limit, cursor } = request.query;
  const settled = await statementOf(merchantId, period);
  // A cursor of the open statement is refused once a run has settled it (more periods, new totals).
  const scope = `statement:${merchantId}:${period}:${settled?.fromPeriod ?? 'open'}`;
  const after = await readCursor(scope, cursor);
  const lines = await linesOf(merchantId, settled?.fromPeriod ?? period, period);
  const page = linesPage(lines, (line) => line.orderId, after, limit, { weigh: statementLineBytes });
  const { nextCursor } = await pageOf(scope, [], page.next);
  if (format === 'csv') return csvPage(statementCsv(page.lines, cursor !== undefined), `statement-${period}.csv`, `/v1/settlements/${period}/statement`, limit, nextCursor);
  return { status: 200, body: { ...statementJson(merchantId, period, lines, settled, page.lines), nextCursor } };
});
