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

/**
 * GET /v1/payout-periods/{period}/preview: what a run for the period would pay now (merchant
 * lines and totals; creator lines and totals through `previewCreators`), changing nothing.
 */
export const handler = httpHandler({ access: keyed('finance'), path: settlementPeriodPath }, async ({ path: { period } }) => {
  const [run, merchants, creators] = await Promise.all([getRun(period), previewMerchants(period), previewCreators(period)]);
  const lines = merchants.map((m) => merchantStatementLine({ ...m, periodNetFen: m.netFen }));
  const total = (pick: (m: (typeof merchants)[number]) => number) => money(merchants.reduce((t, m) => t + pick(m), 0), 'CNY');
  return {
    status: 200,
    body: {
      period,
      run: run ? { id: runIdOf(period), status: run.status } : null,
      merchants: {
        lines,
        totals: { gross: total((m) => m.grossFen), platformFee: total((m) => m.feeFen), creatorCommissions: total((m) => m.commissionFen), refunds: total((m) => m.refundsFen), net: total((m) => m.paidFen) },
      },
      creators,
    },
  };
});
