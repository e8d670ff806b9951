import { money } from '../shared/money.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { runIdOf } from './periods.js';
import { entryBuckets } from './entities.js';
import type { PayoutLine } from './payout-line.js';
import { draftCreatorLine, getRun, mergeBySk, payableEntries, runPeriodsOf } from './payout-runs.js';
import { reportLine } from './report.js';
import { previewMerchants } from './settlement-queries.js';
import { merchantStatementLine } from './settlement-views.js';
import { settlementPeriodPath } from './get-settlement-statement.js';

/**
 * The creator half of the preview: the lines a run for the period would write now, computed
 * by the run's own step (draftCreatorLine) over the entries the run would read (its catch-up
 * periods, consistently), writing nothing. Creators with nothing to pay have no line.
 */
export const previewCreators = async (period: string) => {
  const periods = await runPeriodsOf(period);
  const lines: PayoutLine[] = [];
  const draft = async (creatorId: string, sumFen: number) => {
    const computed = (await draftCreatorLine(creatorId, sumFen, period))?.computed;
    if (computed) lines.push(computed.line);
  };
  for (let bucket = 0; bucket < entryBuckets; bucket += 1) {
    let current: { creatorId: string; sumFen: number } | undefined;
    for await (const entry of mergeBySk(periods.map((p) => payableEntries(p, bucket, '')))) {
      if (entry.payeeType !== 'creator') continue;
      if (current && current.creatorId !== entry.payeeId) {
        await draft(current.creatorId, current.sumFen);
        current = undefined;
      }
      current = { creatorId: entry.payeeId, sumFen: (current?.sumFen ?? 0) + entry.amountFen };
    }
    if (current) await draft(current.creatorId, current.sumFen);
  }
  const total = (pick: (line: PayoutLine) => number) => money(lines.reduce((sum, line) => sum + pick(line), 0), 'CNY');
  return {
    lines: lines.map(reportLine).sort((a, b) => (a.creatorId < b.creatorId ? -1 : a.creatorId > b.creatorId ? 1 : 0)),
    totals: { gross: total((l) => l.grossFen), agencyFees: total((l) => l.agencyFeeFen), taxWithheld: total((l) => l.taxWithheldFen), net: total((l) => l.netFen) },
  };
};

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
