import { money } from '../shared/money.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { runIdOf } from './periods.js';
import { getRun, previewCreatorLines } from './payout-runs.js';
import type { PayoutLine } from './payout-line.js';
import { reportLine } from './report.js';
import { previewMerchants } from './settlement-queries.js';
import { merchantStatementLine } from './settlement-views.js';
import { settlementPeriodPath } from './get-settlement-statement.js';
import { linesPage, linesQuery } from './report-pages.js';
import { pageOf, readCursor } from '../shared/pagination.js';

/**
 * The creator half of the preview: the lines a run would pay creators now (the run's own
 * periods, entry reader and computeLine; payout-runs.ts previewCreatorLines), sorted by
 * creator as in the run report, with the run's totals.
 */
export const previewCreators = async (period: string) => {
  const lines = await previewCreatorLines(period);
  const total = (pick: (l: PayoutLine) => number) => money(lines.reduce((t, l) => t + pick(l), 0), 'CNY');
  return {
    lines: [...lines].sort((a, b) => (a.creatorId < b.creatorId ? -1 : a.creatorId > b.creatorId ? 1 : 0)).map(reportLine),
    totals: { gross: total((l) => l.grossFen), agencyFees: total((l) => l.agencyFeeFen), taxWithheld: total((l) => l.taxWithheldFen), net: total((l) => l.netFen) },
  };
};

/** A line of the preview, in one order: creators by id, then merchants by id. */
type PreviewLine = { readonly key: string; readonly creator?: ReturnType<typeof reportLine>; readonly merchant?: ReturnType<typeof merchantStatementLine> };

/**
 * GET /v1/payout-periods/{period}/preview[?limit&cursor]: what a run for the period would pay
 * now (merchant lines and totals; creator lines and totals through `previewCreators`),
 * changing nothing. Paged like the reports (0053): up to `limit` lines and 5 MB, creators
 * first, then merchants; every page carries the whole period's totals.
 */
export const handler = httpHandler({ access: keyed('finance'), path: settlementPeriodPath, query: linesQuery }, async ({ path: { period }, query }) => {
  const scope = `payout-preview:${period}`;
  const after = await readCursor(scope, query.cursor);
  const [run, merchants, creators] = await Promise.all([getRun(period), previewMerchants(period), previewCreators(period)]);
  const merchantLines = merchants.map((m) => merchantStatementLine({ ...m, periodNetFen: m.netFen })).sort((a, b) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0));
  const all: PreviewLine[] = [...creators.lines.map((creator) => ({ key: `c:${creator.creatorId}`, creator })), ...merchantLines.map((merchant) => ({ key: `m:${merchant.merchantId}`, merchant }))];
  const page = linesPage(all, (line) => line.key, after, query.limit);
  const total = (pick: (m: (typeof merchants)[number]) => number) => money(merchants.reduce((t, m) => t + pick(m), 0), 'CNY');
  return {
    status: 200,
    body: {
      period,
      run: run ? { id: runIdOf(period), status: run.status } : null,
      merchants: {
        lines: page.lines.flatMap((line) => (line.merchant ? [line.merchant] : [])),
        totals: { gross: total((m) => m.grossFen), platformFee: total((m) => m.feeFen), creatorCommissions: total((m) => m.commissionFen), refunds: total((m) => m.refundsFen), net: total((m) => m.paidFen) },
      },
      creators: { lines: page.lines.flatMap((line) => (line.creator ? [line.creator] : [])), totals: creators.totals },
      nextCursor: (await pageOf(scope, [], page.next)).nextCursor,
    },
  };
});
