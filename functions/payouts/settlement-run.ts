/**
 * The merchant half of a payout run (the plug-in point for payout-runs.ts, decision 0026).
 *
 * `settleMerchants(period, correlationId)` streams the settlement entries of the run's periods
 * (the creators' list, run-periods.ts: the months since the previous run, catch-up) with
 * strongly consistent Queries on the table (`MPAYABLE#<period>#<bucket>`, sorted by merchant,
 * a page at a time: memory stays flat) and settles each merchant in ONE transaction: its
 * statement, its carry-forward state, the ledger posting of what is paid, the run's merchant
 * totals and checkpoint, and `MerchantSettled`. The checkpoint only moves at merchant
 * boundaries and a settled merchant is skipped, so a crash and a retry end with the same
 * statements. Every write is fenced by the run's lease (run-lease.ts), like the creators'
 * (decision 0039): a processor that lost the run writes nothing more. Everything is stamped
 * with the business clock. Called by processRun while it holds the run, before completing.
 */
import { now as clock } from '../shared/clock.js';
import { createItem, outboxItem, putOnVersion, transactWrite, upsertItem, type TransactItem } from '../shared/db/write.js';
import { merchantKey, merchantRecord } from '../orders/merchant-record.js';
import { outboxEvent } from '../shared/outbox.js';
import { postingItem } from './payout-store.js';
import { canceledUnderLease, leaseFence, type RunLease } from './run-lease.js';
import { getRecord, queryPage } from '../shared/db/read.js';
import { runIdOf } from './periods.js';
import { runPeriods } from './run-periods.js';
import { merchantPayoutPosting } from './settlement-ledger.js';
import { addFigures, emptyFigures, figuresOf, settleTotals, type StatementFigures } from './settlement.js';
import {
  merchantPayableKey,
  merchantRunKey,
  merchantRunRecord,
  merchantSettlementStateItem,
  merchantSettlementStateKey,
  merchantSettlementStateRecord,
  merchantStatementItem,
  merchantStatementKey,
  merchantStatementRecord,
  settlementEntryBuckets,
  settlementEntryRecord,
  type MerchantCheckpoint,
  type MerchantRunRecord,
  type MerchantStatementRecord,
} from './settlement-items.js';
import { MerchantSettled } from '../../events/schemas/payouts.js';

const pageSize = 200;

/** One bucket's entries after a merchant, sorted by merchant, page by page, strongly consistent. */
export async function* merchantEntries(period: string, bucket: number, afterMerchantId: string): AsyncGenerator<{ merchantId: string; figures: StatementFigures }> {
  // `<merchant>\uffff` sorts after every entry of that merchant and before the next merchant's.
  const target = { partition: merchantPayableKey(period, bucket), ...(afterMerchantId ? { after: `${afterMerchantId}\uffff` } : {}) };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryPage('settlementEntry', settlementEntryRecord, target, { consistent: true, limit: pageSize, start });
    for (const e of page.records) yield { merchantId: e.merchantId, figures: figuresOf(e.kind, { grossFen: e.grossFen, feeFen: e.feeFen, commissionFen: e.commissionFen }) };
    start = page.next;
  } while (start);
}

const cny = (amount: number) => ({ amount, currency: 'CNY' as const });

/** The run's merchant totals and checkpoint (created by the first merchant settled). */
export const runProgress = (period: string, statement: MerchantStatementRecord | null, checkpoint: MerchantCheckpoint, completedAt?: string): TransactItem =>
  upsertItem(merchantRunKey(period), 'merchantRun', {
    set: { period, checkpoint, ...(completedAt ? { completedAt } : {}) },
    add: {
      grossFen: statement?.grossFen ?? 0,
      feeFen: statement?.feeFen ?? 0,
      commissionFen: statement?.commissionFen ?? 0,
      refundsFen: statement?.refundsFen ?? 0,
      carriedForwardFen: statement?.carryForwardFen ?? 0,
      netFen: statement?.paidFen ?? 0,
      merchantCount: statement ? 1 : 0,
    },
  });

/**
 * Settles one merchant for the period (idempotent: a settled merchant is skipped). `figures`
 * are the sums of the merchant's entries in the period. Returns the statement written.
 */
export const settleMerchant = async (
  lease: RunLease,
  merchantId: string,
  figures: StatementFigures,
  checkpoint: MerchantCheckpoint,
  correlationId: string,
  fromPeriod: string = lease.period,
): Promise<MerchantStatementRecord | null> => {
  const { period } = lease;
  const [existing, state, merchant] = await Promise.all([
    getRecord('merchantStatement', merchantStatementRecord, merchantStatementKey(merchantId, period), true),
    getRecord('merchantSettlementState', merchantSettlementStateRecord, merchantSettlementStateKey(merchantId), true),
    getRecord('merchant', merchantRecord, merchantKey(merchantId), false),
  ]);
  if (existing || state?.lastPeriod === period) return null;
  if (state && state.lastPeriod > period) throw new Error(`merchant ${merchantId} was settled for ${state.lastPeriod}, after ${period}: runs must go in period order`);
  const carriedInFen = state?.carryForwardFen ?? 0;
  const totals = settleTotals(figures.netFen, carriedInFen);
  const now = clock();
  const statement: MerchantStatementRecord = {
    merchantId,
    period,
    fromPeriod,
    name: merchant?.name ?? merchantId,
    grossFen: figures.grossFen,
    feeFen: figures.feeFen,
    commissionFen: figures.commissionFen,
    refundsFen: figures.refundsFen,
    periodNetFen: figures.netFen,
    carriedInFen,
    paidFen: totals.paidFen,
    carryForwardFen: totals.carryForwardFen,
    settledAt: now.toISOString(),
  };
  const stateItem = { merchantId, lastPeriod: period, carryForwardFen: totals.carryForwardFen, paidFen: (state?.paidFen ?? 0) + totals.paidFen, version: (state?.version ?? 0) + 1 };
  const settled = outboxEvent(
    MerchantSettled,
    {
      runId: runIdOf(period),
      period,
      merchantId,
      gross: cny(figures.grossFen),
      platformFee: cny(figures.feeFen),
      creatorCommissions: cny(figures.commissionFen),
      refunds: cny(figures.refundsFen),
      carriedIn: cny(carriedInFen),
      carriedForward: cny(totals.carryForwardFen),
      net: cny(totals.paidFen),
      settledAt: statement.settledAt,
    },
    { correlationId, now },
  );
  const result = await transactWrite([
    createItem(merchantStatementItem(statement)),
    state ? putOnVersion(merchantSettlementStateItem(stateItem), state.version) : createItem(merchantSettlementStateItem(stateItem)),
    ...(totals.paidFen > 0 ? [postingItem(merchantPayoutPosting(`${runIdOf(period)}:${merchantId}`, merchantId, totals.paidFen), now)] : []),
    runProgress(period, statement, checkpoint),
    outboxItem(settled),
    leaseFence(lease, now),
  ]);
  return result.canceled ? canceledUnderLease(lease, `merchant ${merchantId}`) : statement;
};

export interface SettleMerchantsOptions {
  /** The run's periods, when the caller has them (processRun does): saves reading the run again. */
  readonly periods?: readonly string[];
  /** Test hook: called after each settled merchant (a test throws here to simulate a crash). */
  readonly afterMerchant?: (merchantId: string) => void;
}

export const getMerchantRun = async (period: string): Promise<MerchantRunRecord | null> =>
  (await getRecord('merchantRun', merchantRunRecord, merchantRunKey(period), true)) ?? null;

type Sorted = AsyncGenerator<{ merchantId: string; figures: StatementFigures }>;

/** Merges streams sorted by merchant into one sorted by merchant (k-way, k = catch-up periods). */
async function* mergeByMerchant(streams: Sorted[]): Sorted {
  const heads = await Promise.all(streams.map(async (s) => ({ s, next: await s.next() })));
  for (;;) {
    let min: (typeof heads)[number] | undefined;
    for (const h of heads) if (!h.next.done && (!min || (!min.next.done && h.next.value.merchantId < min.next.value.merchantId))) min = h;
    if (!min || min.next.done) return;
    yield min.next.value;
    min.next = await min.s.next();
  }
}

/** Each merchant's summed figures over the periods' entries of one bucket, after a merchant, in merchant order. */
export async function* merchantTotals(periods: readonly string[], bucket: number, afterMerchantId: string): Sorted {
  let current: { merchantId: string; figures: StatementFigures } | undefined;
  for await (const entry of mergeByMerchant(periods.map((p) => merchantEntries(p, bucket, afterMerchantId)))) {
    if (current && current.merchantId !== entry.merchantId) yield current;
    current = { merchantId: entry.merchantId, figures: addFigures(current?.merchantId === entry.merchantId ? current.figures : emptyFigures, entry.figures) };
  }
  if (current) yield current;
}

/**
 * Settles (or resumes settling) every merchant with entries in the run's catch-up periods,
 * one statement per merchant for the run's period; idempotent. A merchant with only a
 * carry-forward and no new entry stays as it is (its negative total waits for new entries).
 */
export const settleMerchants = async (lease: RunLease, correlationId: string, options: SettleMerchantsOptions = {}): Promise<MerchantRunRecord | null> => {
  const { period } = lease;
  const run = await getMerchantRun(period);
  if (run?.completedAt) return run;
  // The same periods as the creators' half: the run's own catch-up list (run-periods.ts),
  // passed in by the run that already has it, read here otherwise.
  const periods = options.periods ?? (await runPeriods(period));
  const from: MerchantCheckpoint = run?.checkpoint ?? { bucket: 0, afterMerchantId: '' };
  for (let bucket = from.bucket; bucket < settlementEntryBuckets; bucket += 1) {
    for await (const m of merchantTotals(periods, bucket, bucket === from.bucket ? from.afterMerchantId : '')) {
      await settleMerchant(lease, m.merchantId, m.figures, { bucket, afterMerchantId: m.merchantId }, correlationId, periods[0] ?? period);
      options.afterMerchant?.(m.merchantId);
    }
  }
  const now = clock();
  const result = await transactWrite([runProgress(period, null, { bucket: settlementEntryBuckets, afterMerchantId: '' }, now.toISOString()), leaseFence(lease, now)]);
  if (result.canceled) await canceledUnderLease(lease, `merchant run ${period}`);
  return getMerchantRun(period);
};
