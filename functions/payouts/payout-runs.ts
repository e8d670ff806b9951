/**
 * Payout runs. One run per period (its key is the period): starting one twice returns the
 * same run. Processing streams the period's commission entries from gsi1, bucket by bucket,
 * sorted by creator, one page at a time (memory stays flat), and settles each creator in
 * ONE transaction: the line (created once), the creator's carry-forward and year-to-date
 * wages state, the ledger posting, and the run's totals and checkpoint. The checkpoint only
 * moves at creator boundaries, so a crash and a retry finish with the same lines.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients/dynamodb.js';
import { db, type TransactionEntities } from '../shared/db/service.js';
import { now as clock } from '../shared/clock.js';
import { outboxEvent } from '../shared/outbox.js';
import type { CreatorTerms } from './creators.js';
import { entryBuckets, type PayoutRunItem } from './entities.js';
import { payoutPosting } from './ledger.js';
import { computeLine } from './lines.js';
import type { PayoutLine, PayoutRunView } from './payout-line.js';
import { postingItem, termsAt } from './payout-store.js';
import { periodEnd, runIdOf } from './periods.js';
import type { WagesYtd } from './tax.js';
import { PayoutRunCompleted, PayoutRunRequested } from '../../events/schemas/payouts.js';

const pageSize = 200;
const indexSettleMs = 500;
/** A running run untouched this long is presumed stuck (its worker crashed): starting it again resumes it. */
const stuckAfterMs = 2 * 60_000;

export const runView = (run: PayoutRunItem): PayoutRunView => ({
  id: runIdOf(run.period),
  period: run.period,
  status: run.status,
  totals: {
    gross: { amount: run.grossFen, currency: 'CNY' },
    agencyFees: { amount: run.agencyFeeFen, currency: 'CNY' },
    taxWithheld: { amount: run.taxWithheldFen, currency: 'CNY' },
    net: { amount: run.netFen, currency: 'CNY' },
  },
  lineCount: run.lineCount,
  createdAt: run.createdAt,
  ...(run.completedAt ? { completedAt: run.completedAt } : {}),
});

export const getRun = async (period: string): Promise<PayoutRunItem | null> => (await db().entities.payoutRun.get({ period }).go({ consistent: true })).data;

export class PayoutRunRefusedError extends Error {
  constructor(readonly reason: 'period_not_over' | 'later_period_run') {
    super(reason);
    this.name = 'PayoutRunRefusedError';
  }
}

/**
 * Starts the period's run (created: true) or returns the existing one; a stuck run is
 * nudged to resume. A period can be run once it is over, and before any later period
 * (carry-forward and year-to-date wages go month by month).
 */
export const startRun = async (period: string, correlationId: string): Promise<{ created: boolean; run: PayoutRunItem }> => {
  const now = clock();
  const existingRun = await getRun(period);
  if (!existingRun) {
    if (periodEnd(period) >= now.toISOString()) throw new PayoutRunRefusedError('period_not_over');
    const { data: later } = await db().entities.payoutRun.query.all({}).gt({ period }).go({ limit: 1 });
    if (later.length > 0) throw new PayoutRunRefusedError('later_period_run');
  }
  const run: PayoutRunItem = {
    period,
    status: 'running',
    grossFen: 0,
    agencyFeeFen: 0,
    taxWithheldFen: 0,
    netFen: 0,
    lineCount: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const requested = () => outboxEvent(PayoutRunRequested, { runId: runIdOf(period), period }, { correlationId, now });
  const result = await db()
    .transaction.write((tx) => [tx.payoutRun.create(run).commit(), tx.outbox.create(requested()).commit()])
    .go();
  if (!result.canceled) return { created: true, run };
  const existing = await getRun(period);
  if (!existing) throw new Error(`payout run ${period} was neither created nor found`);
  if (existing.status === 'running' && now.getTime() - Date.parse(existing.updatedAt) > stuckAfterMs) {
    await db().entities.outbox.create(requested()).go();
  }
  return { created: false, run: existing };
};

interface Checkpoint {
  readonly bucket: number;
  readonly afterCreatorId: string;
}

/** One bucket's entries after a creator, sorted by creator, a page at a time. */
async function* entries(period: string, bucket: number, afterCreatorId: string): AsyncGenerator<{ creatorId: string; amountFen: number }> {
  const base = db().entities.commissionEntry.query.byPeriod({ period, bucket }).params() as QueryCommandInput;
  const keyCondition = afterCreatorId ? `${base.KeyConditionExpression ?? ''} AND #gsi1sk > :after` : base.KeyConditionExpression;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        ...base,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: { ...base.ExpressionAttributeNames, ...(afterCreatorId ? { '#gsi1sk': 'gsi1sk' } : {}) },
        ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ...(afterCreatorId ? { ':after': `${afterCreatorId}#\uffff` } : {}) },
        Limit: pageSize,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) yield { creatorId: String(item.creatorId), amountFen: Number(item.amountFen) };
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
}

/** Settles one creator for the period (idempotent: a settled creator is skipped). */
const settleCreator = async (period: string, creatorId: string, sumFen: number, checkpoint: Checkpoint): Promise<PayoutLine | null> => {
  const { entities } = db();
  const [{ data: existingLine }, { data: state }] = await Promise.all([
    entities.payoutLine.get({ period, creatorId }).go({ consistent: true }),
    entities.payoutState.get({ creatorId }).go({ consistent: true }),
  ]);
  if (existingLine || state?.lastPeriod === period) return null;
  if (state && state.lastPeriod > period) throw new Error(`creator ${creatorId} was settled for ${state.lastPeriod}, after ${period}: runs must go in period order`);
  const carry = state?.carryForwardFen ?? 0;
  const totalFen = sumFen + carry;
  const now = new Date();
  const stateItem = { creatorId, lastPeriod: period, version: (state?.version ?? 0) + 1 };
  const stateWrite = (tx: TransactionEntities, carryForwardFen: number) =>
    state
      ? tx.payoutState.put({ ...stateItem, carryForwardFen }).where(({ version }, { eq }) => eq(version, state.version)).commit()
      : tx.payoutState.create({ ...stateItem, carryForwardFen }).commit();
  const progress = (tx: TransactionEntities, line: PayoutLine | null) =>
    tx.payoutRun
      .patch({ period })
      .add({
        grossFen: line?.grossFen ?? 0,
        agencyFeeFen: line?.agencyFeeFen ?? 0,
        taxWithheldFen: line?.taxWithheldFen ?? 0,
        netFen: line?.netFen ?? 0,
        lineCount: line ? 1 : 0,
      })
      .set({ checkpoint, updatedAt: now.toISOString() })
      .where(({ status }, { eq }) => eq(status, 'running'))
      .commit();

  if (totalFen <= 0) {
    // Nothing to pay: a negative total carries into the next period.
    const result = await db().transaction.write((tx) => [stateWrite(tx, totalFen), progress(tx, null)]).go();
    if (result.canceled) throw new Error(`creator ${creatorId} changed while settling ${period}`);
    return null;
  }

  // The terms in force at the period's end; a creator registered later (only test data can
  // do that) falls back to the current terms rather than blocking everyone else's payout.
  const inForce = (await termsAt(creatorId, periodEnd(period))) ?? (await termsAt(creatorId, '9999'));
  if (!inForce) throw new Error(`creator ${creatorId} has commissions but no terms`);
  const terms: CreatorTerms = inForce.terms;
  const agencyId = terms.contract.type === 'agency' ? terms.contract.agencyId : null;
  const year = Number(period.slice(0, 4));
  const [{ data: agency }, { data: ytdItem }] = await Promise.all([
    agencyId ? entities.agency.get({ agencyId }).go() : Promise.resolve({ data: null }),
    agencyId && terms.taxResidency === 'resident' ? entities.wagesYtd.get({ creatorId, agencyId, year }).go({ consistent: true }) : Promise.resolve({ data: null }),
  ]);
  const { line, ytd } = computeLine({
    creatorId,
    period,
    grossFen: totalFen,
    terms,
    agency: agency ? { agencyId: agency.agencyId, name: agency.name, feeBps: agency.feeBps } : null,
    ytd: (ytdItem?.ytd as WagesYtd | undefined) ?? null,
  });
  const result = await db()
    .transaction.write((tx) => [
      tx.payoutLine.create({ period, creatorId, line, creatorVersion: inForce.version, createdAt: now.toISOString() }).commit(),
      stateWrite(tx, 0),
      ...(ytd && agencyId
        ? [
            ytdItem
              ? tx.wagesYtd.put({ creatorId, agencyId, year, ytd, lastPeriod: period, version: ytdItem.version + 1 }).where(({ version }, { eq }) => eq(version, ytdItem.version)).commit()
              : tx.wagesYtd.create({ creatorId, agencyId, year, ytd, lastPeriod: period, version: 1 }).commit(),
          ]
        : []),
      postingItem(tx, payoutPosting(`${runIdOf(period)}:${creatorId}`, line), now),
      progress(tx, line),
    ])
    .go();
  if (result.canceled) throw new Error(`creator ${creatorId} changed while settling ${period}`);
  return line;
};

export interface ProcessOptions {
  /** Test hook: called after each settled creator (a test throws here to simulate a crash). */
  readonly afterCreator?: (creatorId: string) => void;
}

/** Processes (or resumes) the period's run to completion; a completed run is left alone. */
export const processRun = async (period: string, correlationId: string, options: ProcessOptions = {}): Promise<PayoutRunItem | null> => {
  const run = await getRun(period);
  if (!run || run.status === 'completed') return run;
  const from = (run.checkpoint as Checkpoint | undefined) ?? { bucket: 0, afterCreatorId: '' };
  // An entry committed just before the run was created may take a moment to reach the index.
  if (!run.checkpoint) await new Promise((resolve) => setTimeout(resolve, indexSettleMs));
  for (let bucket = from.bucket; bucket < entryBuckets; bucket += 1) {
    let current: { creatorId: string; sumFen: number } | undefined;
    const settle = async (c: { creatorId: string; sumFen: number }) => {
      await settleCreator(period, c.creatorId, c.sumFen, { bucket, afterCreatorId: c.creatorId });
      options.afterCreator?.(c.creatorId);
    };
    for await (const entry of entries(period, bucket, bucket === from.bucket ? from.afterCreatorId : '')) {
      if (current && current.creatorId !== entry.creatorId) await settle(current);
      current = current && current.creatorId === entry.creatorId ? { ...current, sumFen: current.sumFen + entry.amountFen } : { creatorId: entry.creatorId, sumFen: entry.amountFen };
    }
    if (current) await settle(current);
  }
  const done = await getRun(period);
  if (!done || done.status === 'completed') return done;
  const now = new Date();
  const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
  const completed = outboxEvent(
    PayoutRunCompleted,
    {
      runId: runIdOf(period),
      period,
      lineCount: done.lineCount,
      totals: { gross: cny(done.grossFen), agencyFees: cny(done.agencyFeeFen), taxWithheld: cny(done.taxWithheldFen), net: cny(done.netFen) },
      completedAt: now.toISOString(),
    },
    { correlationId, now },
  );
  const result = await db()
    .transaction.write((tx) => [
      tx.payoutRun.patch({ period }).set({ status: 'completed', completedAt: now.toISOString(), updatedAt: now.toISOString() }).where(({ status }, { eq }) => eq(status, 'running')).commit(),
      tx.outbox.create(completed).commit(),
    ])
    .go();
  return result.canceled ? getRun(period) : { ...done, status: 'completed', completedAt: now.toISOString() };
};
