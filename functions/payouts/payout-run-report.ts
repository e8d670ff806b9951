import { positionOf, startKeyOf } from '../shared/db/position.js';
import { payoutLineKey, payoutLineRecord } from './payout-items.js';
import { queryFill } from '../shared/db/read.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';
import { storedLineOf } from './payout-line.js';
import { runView } from './payout-runs.js';
import { reportCsv, reportCsvRows, reportJson, reportLine } from './report.js';
import { csvPage, reportPageBytes, reportQuery, responseBytes } from './report-pages.js';
import { runById, runPath } from './run-access.js';

/**
 * A stored line's bytes in the JSON response, and for an agency creator as much again: a
 * whole report's agency totals have at most one entry per line, each smaller than the line
 * with the agency's name.
 */
export const payoutLineBytes = (record: Parameters<typeof storedLineOf>[0]): number => {
  const line = storedLineOf(record);
  const bytes = responseBytes({ ...reportLine(line), agencyName: line.agencyName });
  return line.agencyId === null ? bytes : 2 * bytes;
};

/**
 * GET /v1/payout-runs/{id}/report?format=json|csv[&limit&cursor] (0024). A run of up to
 * 5,000 lines (and 5 MB, 0053) comes whole, as before (JSON with per-agency totals). A larger
 * run comes in pages of up to `limit` lines sorted by creator: JSON carries `nextCursor`; CSV
 * carries the BOM and header on the first page only and the next page in `x-next-cursor` and `link`,
 * so the pages concatenate into one file (the finance CLI does that, streaming).
 */
export const handler = httpHandler({ access: keyed('finance'), path: runPath, query: reportQuery }, async ({ path, query }) => {
  const run = await runById(path.id);
  if (run.status !== 'completed') throw new ProblemError('invalid_state', { params: { state: run.status } });
  const scope = `payout-report:${run.period}`;
  const position = await readCursor(scope, query.cursor);
  const prefix = payoutLineKey(run.period, '');
  const page = await queryFill('payoutLine', payoutLineRecord, { partition: prefix.pk, prefix: prefix.sk }, { limit: query.limit, start: startKeyOf(position), budget: { max: reportPageBytes, weigh: payoutLineBytes } });
  const lines = page.records.map(storedLineOf);
  const { nextCursor } = await pageOf(scope, [], positionOf(page.next));
  const whole = !query.cursor && !nextCursor;
  if (query.format === 'csv') {
    return csvPage(query.cursor ? reportCsvRows(lines) : reportCsv(lines), `payout-${run.period}.csv`, `/v1/payout-runs/${path.id}/report`, query.limit, nextCursor);
  }
  const report = reportJson(runView(run), lines);
  // Per-agency totals need every line: only a report that comes whole carries them.
  return { status: 200, body: whole ? { ...report, nextCursor } : { run: report.run, lines: report.lines, nextCursor } };
});
