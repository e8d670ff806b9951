import { money } from '../shared/money.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { runIdOf } from './periods.js';
import { getRun } from './payout-runs.js';
import { previewMerchants } from './settlement-queries.js';
import { merchantStatementLine } from './settlement-views.js';
import { settlementPeriodPath } from './get-settlement-statement.js';

/**
 * The creator half of the preview: the payouts module's run computes creator lines; until it
 * offers a read-only preview of them this seam answers `null` (decision 0026).
 */
export const previewCreators = async (_period: string): Promise<null> => Promise.resolve(null);

/**
 * GET /v1/payout-periods/{period}/preview: what a run for the period would pay now (merchant
 * lines and totals; creator lines through `previewCreators`), changing nothing.
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
