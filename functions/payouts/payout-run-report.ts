import * as z from 'zod/mini';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { payoutLineKey, payoutLineRecord } from './payout-items.js';
import { queryPage } from '../shared/db/read.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';
import { storedLineOf } from './payout-line.js';
import { runView } from './payout-runs.js';
import { reportCsv, reportCsvRows, reportJson } from './report.js';
import { runById, runPath } from './run-access.js';

/** Lines per response: a page stays far under Lambda's 6 MB response limit (about 2 MB of JSON). */
export const reportPageMax = 5_000;

export const reportQuery = z.object({
  format: z._default(z.enum(['json', 'csv']), 'json'),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(reportPageMax)), reportPageMax),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/**
 * GET /v1/payout-runs/{id}/report?format=json|csv[&limit&cursor] (0024). A run of up to
 * 5,000 lines comes whole, as before (JSON with per-agency totals). A larger run comes in
 * pages of `limit` lines sorted by creator: JSON carries `nextCursor`; CSV carries the
 * BOM and header on the first page only and the next page in `x-next-cursor` and `link`,
 * so the pages concatenate into one file (the finance CLI does that, streaming).
 */
export const handler = httpHandler({ access: keyed('finance'), path: runPath, query: reportQuery }, async ({ path, query }) => {
  const run = await runById(path.id);
  if (run.status !== 'completed') throw new ProblemError('invalid_state', { params: { state: run.status } });
  const scope = `payout-report:${run.period}`;
  const position = await readCursor(scope, query.cursor);
  const prefix = payoutLineKey(run.period, '');
  const page = await queryPage('payoutLine', payoutLineRecord, { partition: prefix.pk, prefix: prefix.sk }, { limit: query.limit, start: startKeyOf(position) });
  const lines = page.records.map(storedLineOf);
  const { nextCursor } = await pageOf(scope, [], positionOf(page.next));
  const whole = !query.cursor && !nextCursor;
  if (query.format === 'csv') {
    const next: Record<string, string> = nextCursor
      ? { 'x-next-cursor': nextCursor, link: `</v1/payout-runs/${path.id}/report?format=csv&limit=${query.limit}&cursor=${encodeURIComponent(nextCursor)}>; rel="next"` }
      : {};
    return {
      status: 200,
      body: query.cursor ? reportCsvRows(lines) : reportCsv(lines),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payout-${run.period}.csv"`, ...next },
    };
  }
  const report = reportJson(runView(run), lines);
  // Per-agency totals need every line: only a report that comes whole carries them.
  return { status: 200, body: whole ? { ...report, nextCursor } : { run: report.run, lines: report.lines, nextCursor } };
});
