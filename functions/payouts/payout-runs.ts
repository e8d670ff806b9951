/**
 * Payout runs (0014, 0023, 0025). One run per period (its key is the period): starting one
 * twice returns the same run. Runs go in period order, one at a time, through the run head
 * (one item): a run for P settles every payable entry of the periods after the previous
 * run's through P (catch-up), read from the base table with strongly consistent Queries,
 * merged across those periods, bucket by bucket, sorted by payee, a page at a time (memory
 * stays flat). Each payee is settled in ONE transaction: the line (created once), the
 * creator's carry-forward and year-to-date wages state, the ledger posting, and the run's
 * totals and checkpoint, fenced by the processor's lease token: exactly one processor
 * works on a run, a crashed one's lease expires and the redelivered request resumes it.
 * Everything a run records is stamped with the business clock (functions/shared/clock.ts);
 * only the lease is measured on the real clock, by holders and checkers alike.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../shared/clients/dynamodb.js';
import { createItem, createOnce, outboxItem, outboxStored, patchItem, putOnVersion, transactWrite, type TransactItem } from '../shared/db/write.js';
import { now as clock } from '../shared/clock.js';
import { outboxEvent, type EventContext } from '../shared/outbox.js';
import type { CreatorTerms } from './creators.js';
import {
  agencyKey,
  agencyRecord,
  entryBuckets,
  payableKey,
  payoutHeadItem,
  payoutHeadKey,
  payoutLineItem,
  payoutRunItem,
  payoutRunKey,
  payoutStateItem,
  payoutStateKey,
  payoutStateRecord,
  wagesYtdItem,
  wagesYtdKey,
  wagesYtdRecord,
  type PayoutRunFields,
  type PayoutRunRecord,
  type RunCheckpoint,
} from './payout-items.js';
import { getRecord, queryInput } from '../shared/db/read.js';
import { payoutPosting } from './ledger.js';
import { computeLine } from './lines.js';
import type { PayoutLine, PayoutRunView } from './payout-line.js';
import { getHead, getRunRecord, postingItem, termsAt } from './payout-store.js';
import { periodEnd, runIdOf } from './periods.js';
import { firstPeriodAfter, periodsOf, runPeriods } from './run-periods.js';
import { settleMerchants } from './settlement-run.js';
import { canceledUnderLease, heldBy, LeaseLostError } from './run-lease.js';
import { PayoutRunCompleted, PayoutRunRequested } from '../../events/schemas/payouts.js';

const pageSize = 500;
/** How long a processor holds a run without writing before another may take it over (real time). */
export const defaultLeaseMs = 30_000;
/** How often a request that found the lease held looks whether its holder is alive. */
const leaseCheckMs = 500;

export const runView = (run: PayoutRunFields): PayoutRunView => ({
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

export const getRun = async (period: string): Promise<PayoutRunRecord | null> => (await getRunRecord(period)) ?? null;

export class PayoutRunRefusedError extends Error {
  constructor(readonly reason: 'period_not_over' | 'later_period_run' | 'run_in_progress') {
    super(reason);
    this.name = 'PayoutRunRefusedError';
  }
}

/**
 * Starts the period's run (created: true) or returns the existing one. Refused when the
 * period is not over, another run is still running, or this or a later period already
 * has a run head past it. A running run whose lease lapsed (its processor died) is nudged
 * with a new request; the lease makes a duplicate harmless.
 */
export const startRun = async (period: string, correlationId: string, actor?: EventContext['actor']): Promise<{ created: boolean; run: PayoutRunFields }> => {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const now = clock();
    const requested = () => outboxEvent(PayoutRunRequested, { runId: runIdOf(period), period }, { correlationId, now, actor });
    const existing = await getRun(period);
    if (existing) {
      if (existing.status === 'running' && (existing.leaseExpiresAtMs ?? 0) < Date.now()) await createOnce(outboxStored(requested()));
      return { created: false, run: existing };
    }
    if (periodEnd(period) >= now.toISOString()) throw new PayoutRunRefusedError('period_not_over');
    const head = await getHead();
    // The head and the run are written together: a head at this period means the run now exists.
    if (head?.lastPeriod === period) continue;
    if (head?.runningPeriod) throw new PayoutRunRefusedError('run_in_progress');
    if (head && head.lastPeriod > period) throw new PayoutRunRefusedError('later_period_run');
    const stamp = now.toISOString();
    const run: PayoutRunFields = {
      period,
      status: 'running',
      fromPeriod: firstPeriodAfter(head?.lastPeriod, period),
      // Not a holder yet: the grace before a re-POST may nudge a request that was never processed.
      leaseExpiresAtMs: Date.now() + defaultLeaseMs,
      grossFen: 0,
      agencyFeeFen: 0,
      taxWithheldFen: 0,
      netFen: 0,
      lineCount: 0,
      createdAt: stamp,
      updatedAt: stamp,
    };
    const result = await transactWrite([
      createItem(payoutRunItem(run)),
      head
        ? putOnVersion(payoutHeadItem({ lastPeriod: period, runningPeriod: period, version: head.version + 1 }), head.version)
        : createItem(payoutHeadItem({ lastPeriod: period, runningPeriod: period, version: 1 })),
      outboxItem(requested()),
    ]);
    if (!result.canceled) return { created: true, run };
    // Someone else started this run or another one meanwhile: look again.
  }
  throw new Error(`payout run ${period} could not be started: the run head kept changing`);
};

export { LeaseLostError };

/** A payable entry as the run reads it, whatever its payee kind. */
export interface PayableEntry {
  readonly payeeType: string;
  readonly payeeId: string;
  readonly sk: string;
  readonly amountFen: number;
}

const payableItem = z.lazy(() =>
  z.object({ sk: z.string().check(z.regex(/^[a-z]+#[^#]+#.+$/)), amountFen: z.number().check(z.int()) }),
);

/** One key's entries after a payee, sorted by payee, a page at a time, strongly consistent. */
async function* payableEntries(period: string, bucket: number, after: string): AsyncGenerator<PayableEntry> {
  let start: Record<string, unknown> | undefined;
  do {
    // Every kind of entry of the key (commission and settlement entries alike), so no entity filter.
    const target = { partition: payableKey(period, bucket), ...(after ? { after: `${after}#\uffff` } : {}) };
    const page = await documentClient.send(new QueryCommand(queryInput(target, { consistent: true, limit: pageSize, start })));
    for (const raw of page.Items ?? []) {
      const item = payableItem.parse(raw);
      const [payeeType = '', payeeId = ''] = item.sk.split('#');
      yield { payeeType, payeeId, sk: item.sk, amountFen: item.amountFen };
    }
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
}

/** Merges streams each sorted by `sk` into one sorted stream (k is the number of periods caught up). */
export async function* mergeBySk<T extends { sk: string }>(streams: readonly AsyncIterator<T>[]): AsyncGenerator<T> {
  const heads = await Promise.all(streams.map(async (stream) => ({ stream, next: await stream.next() })));
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) if (!head.next.done && (!best || (head.next.value.sk < (best.next.value as T).sk))) best = head;
    if (!best || best.next.done) return;
    yield best.next.value;
    best.next = await best.stream.next();
  }
}

/** Each payee's summed entries over the periods in one bucket, after a payee, in payee order. */
async function* payeeTotals(periods: readonly string[], bucket: number, after: string): AsyncGenerator<{ type: string; id: string; sumFen: number }> {
  let current: { type: string; id: string; sumFen: number } | undefined;
  for await (const entry of mergeBySk(periods.map((p) => payableEntries(p, bucket, after)))) {
    if (current && (current.type !== entry.payeeType || current.id !== entry.payeeId)) {
      yield current;
      current = undefined;
    }
    current = current ? { ...current, sumFen: current.sumFen + entry.amountFen } : { type: entry.payeeType, id: entry.payeeId, sumFen: entry.amountFen };
  }
  if (current) yield current;
}

/**
 * The creator lines a run for `period` would pay now (GET .../preview): the same periods,
 * entries and computeLine as the run, writing nothing. Creators a run settled already are left out.
 */
export const previewCreatorLines = async (period: string): Promise<PayoutLine[]> => {
  const periods = await runPeriods(period);
  const lines: PayoutLine[] = [];
  for (let bucket = 0; bucket < entryBuckets; bucket += 1) {
    for await (const c of payeeTotals(periods, bucket, '')) {
      if (c.type !== 'creator') continue;
      const outcome = await creatorOutcome(c.id, c.sumFen, period);
      if (outcome.kind === 'line') lines.push(outcome.line);
    }
  }
  return lines;
};

/** What every payee kind's settle step gets: the run, the lease token that fences its writes, the clock reading. */
export interface SettleContext {
  readonly period: string;
  readonly token: string;
  readonly leaseMs: number;
  readonly checkpoint: RunCheckpoint;
  readonly now: Date;
}

/** The run's progress as a transaction item: totals, checkpoint, lease renewal; only for the lease holder. */
export const progressItem = (context: Pick<SettleContext, 'period' | 'token' | 'leaseMs' | 'checkpoint' | 'now'>, line: PayoutLine | null): TransactItem =>
  patchItem(
    payoutRunKey(context.period),
    'payoutRun',
    {
      set: { checkpoint: context.checkpoint, updatedAt: context.now.toISOString(), leaseExpiresAtMs: Date.now() + context.leaseMs, period: context.period },
      add: {
        grossFen: line?.grossFen ?? 0,
        agencyFeeFen: line?.agencyFeeFen ?? 0,
        taxWithheldFen: line?.taxWithheldFen ?? 0,
        netFen: line?.netFen ?? 0,
        lineCount: line ? 1 : 0,
      },
    },
    heldBy(context.token),
  );

/** A canceled write: the lease was lost (stop quietly) or something else changed (retry). */
const canceled = (context: SettleContext, what: string): Promise<never> => canceledUnderLease(context, what);

/**
 * What a run for `period` would do for one creator now, reading only (the run and the
 * preview share it): skip (settled for the period already), carry (nothing to pay: a
 * negative total carries forward) or pay a line computed by computeLine.
 */
const creatorOutcome = async (creatorId: string, sumFen: number, period: string) => {
  const state = await getRecord('payoutState', payoutStateRecord, payoutStateKey(creatorId), true);
  if (state && state.lastPeriod >= period) return { kind: 'skip' as const };
  const totalFen = sumFen + (state?.carryForwardFen ?? 0);
  if (totalFen <= 0) return { kind: 'carry' as const, state, totalFen };
  // The terms in force at the period's end; a creator registered later (only test data can
  // do that) falls back to the current terms rather than blocking everyone else's payout.
  const inForce = (await termsAt(creatorId, periodEnd(period))) ?? (await termsAt(creatorId, '9999'));
  if (!inForce) throw new Error(`creator ${creatorId} has commissions but no terms`);
  const terms: CreatorTerms = inForce.terms;
  const agencyId = terms.contract.type === 'agency' ? terms.contract.agencyId : null;
  const year = Number(period.slice(0, 4));
  const [agency, ytdItem] = await Promise.all([
    agencyId ? getRecord('agency', agencyRecord, agencyKey(agencyId), false) : Promise.resolve(undefined),
    agencyId && terms.taxResidency === 'resident' ? getRecord('wagesYtd', wagesYtdRecord, wagesYtdKey(creatorId, agencyId, year), true) : Promise.resolve(undefined),
  ]);
  const { line, ytd } = computeLine({
    creatorId,
    period,
    grossFen: totalFen,
    terms,
    agency: agency ? { agencyId: agency.agencyId, name: agency.name, feeBps: agency.feeBps } : null,
    ytd: ytdItem?.ytd ?? null,
  });
  return { kind: 'line' as const, state, line, ytd, ytdItem, agencyId, year, creatorVersion: inForce.version };
};

/** Settles one creator for the run (idempotent: a creator settled for the period is skipped). */
const settleCreator = async (creatorId: string, sumFen: number, context: SettleContext): Promise<PayoutLine | null> => {
  const { period, now } = context;
  const outcome = await creatorOutcome(creatorId, sumFen, period);
  if (outcome.kind === 'skip') return null;
  const { state } = outcome;
  const stateItem = { creatorId, lastPeriod: period, version: (state?.version ?? 0) + 1 };
  const stateWrite = (carryForwardFen: number): TransactItem =>
    state ? putOnVersion(payoutStateItem({ ...stateItem, carryForwardFen }), state.version) : createItem(payoutStateItem({ ...stateItem, carryForwardFen }));

  if (outcome.kind === 'carry') {
    // Nothing to pay: a negative total carries into the next period.
    const result = await transactWrite([stateWrite(outcome.totalFen), progressItem(context, null)]);
    return result.canceled ? canceled(context, `creator ${creatorId}`) : null;
  }
  const { line, ytd, ytdItem, agencyId, year } = outcome;
  const result = await transactWrite([
    createItem(payoutLineItem({ period, creatorId, line, creatorVersion: outcome.creatorVersion, createdAt: now.toISOString() })),
    stateWrite(0),
    ...(ytd && agencyId
      ? [
          ytdItem
            ? putOnVersion(wagesYtdItem({ creatorId, agencyId, year, ytd, lastPeriod: period, version: ytdItem.version + 1 }), ytdItem.version)
            : createItem(wagesYtdItem({ creatorId, agencyId, year, ytd, lastPeriod: period, version: 1 })),
        ]
      : []),
    postingItem(payoutPosting(`${runIdOf(period)}:${creatorId}`, line), now),
    progressItem(context, line),
  ]);
  return result.canceled ? canceled(context, `creator ${creatorId}`) : line;
};

/**
 * The settle step of each payee kind: its entries' sum for the run in, its line (or carry)
 * written in one transaction that includes `progressItem`. Another kind (merchants) adds
 * its step here and writes its entries on the payable keys with its payee type.
 */
export type SettlePayee = (payeeId: string, sumFen: number, context: SettleContext) => Promise<unknown>;
export const settlers: Record<string, SettlePayee> = { creator: settleCreator };

export interface ProcessOptions {
  /** Test hook: called after each settled payee (a test throws here to simulate a crash). */
  readonly afterPayee?: (payeeId: string) => void;
  /** Test hook: called after each settled merchant (settlement-run.ts). */
  readonly afterMerchant?: (merchantId: string) => void;
  /** How long the lease lasts without a write (tests shorten it). */
  readonly leaseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The run's lease taken by `token`: only from the holder seen (`previous`), or while nobody holds it. */
export const takeLeaseItem = (period: string, token: string, previous: string | undefined, leaseMs: number): TransactItem =>
  patchItem(
    payoutRunKey(period),
    'payoutRun',
    { set: { leaseToken: token, leaseExpiresAtMs: Date.now() + leaseMs, period } },
    previous ? heldBy(previous) : { expression: '#status = :running AND attribute_not_exists(#leaseToken)', names: { '#status': 'status', '#leaseToken': 'leaseToken' }, values: { ':running': 'running' } },
  );

/**
 * Takes the run's lease, or finds it is not ours to process: null when the run is done or
 * a live processor holds it (renewed while we waited, or it just took it). A holder that
 * stopped renewing (crashed) is waited out and taken over: the request is a redelivery.
 */
const acquireLease = async (period: string, leaseMs: number): Promise<{ run: PayoutRunRecord; token: string } | null> => {
  let seen: { token: string; expiresAtMs: number } | undefined;
  for (;;) {
    const run = await getRun(period);
    if (!run || run.status === 'completed') return null;
    const expiresAtMs = run.leaseExpiresAtMs ?? 0;
    if (run.leaseToken && expiresAtMs > Date.now()) {
      if (seen && (seen.token !== run.leaseToken || seen.expiresAtMs !== expiresAtMs)) return null; // alive: it renewed
      seen = { token: run.leaseToken, expiresAtMs };
      // Look again soon: a live holder renews at every payee (or completes), a dead one never does.
      await sleep(Math.min(expiresAtMs - Date.now() + 25, leaseCheckMs));
      continue;
    }
    const token = randomUUID();
    const previous = run.leaseToken;
    const result = await transactWrite([takeLeaseItem(period, token, previous, leaseMs)]);
    if (!result.canceled) return { run, token };
    return null; // another processor took it this instant
  }
};

/** Processes (or resumes) the period's run to completion; a completed run, or one another processor holds, is left alone. */
export const processRun = async (period: string, correlationId: string, options: ProcessOptions = {}): Promise<PayoutRunFields | null> => {
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const held = await acquireLease(period, leaseMs);
  if (!held) return getRun(period);
  const { run, token } = held;
  try {
    const from: RunCheckpoint = run.checkpoint ?? { bucket: 0, after: '' };
    const periods = periodsOf(run.fromPeriod ?? period, period);
    for (let bucket = from.bucket; bucket < entryBuckets; bucket += 1) {
      for await (const c of payeeTotals(periods, bucket, bucket === from.bucket ? from.after : '')) {
        const settler = settlers[c.type];
        if (!settler) throw new Error(`no settle step for payee type ${c.type}`);
        await settler(c.id, c.sumFen, { period, token, leaseMs, checkpoint: { bucket, after: `${c.type}#${c.id}` }, now: clock() });
        options.afterPayee?.(c.id);
      }
    }
    // Merchants are settled by the same run, over the same periods, before it completes (settlement-run.ts).
    await settleMerchants({ period, token, leaseMs }, correlationId, { periods, ...(options.afterMerchant ? { afterMerchant: options.afterMerchant } : {}) });
    return await complete(period, token, correlationId);
  } catch (error) {
    if (error instanceof LeaseLostError) return getRun(period);
    throw error;
  }
};

/** The run marked completed by its lease holder, and the run head freed (it still names this run as running). */
export const completionItems = (period: string, token: string, stamp: string): TransactItem[] => [
  patchItem(payoutRunKey(period), 'payoutRun', { set: { status: 'completed', completedAt: stamp, updatedAt: stamp, period } }, heldBy(token)),
  patchItem(payoutHeadKey, 'payoutHead', { remove: ['runningPeriod'], add: { version: 1 } }, { expression: '#runningPeriod = :period', names: { '#runningPeriod': 'runningPeriod' }, values: { ':period': period } }),
];

/** Marks the run completed and frees the run head, in one transaction with PayoutRunCompleted. */
const complete = async (period: string, token: string, correlationId: string): Promise<PayoutRunFields | null> => {
  const done = await getRun(period);
  if (!done || done.status === 'completed') return done;
  const now = clock();
  const stamp = now.toISOString();
  const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
  const completed = outboxEvent(
    PayoutRunCompleted,
    {
      runId: runIdOf(period),
      period,
      lineCount: done.lineCount,
      totals: { gross: cny(done.grossFen), agencyFees: cny(done.agencyFeeFen), taxWithheld: cny(done.taxWithheldFen), net: cny(done.netFen) },
      completedAt: stamp,
    },
    { correlationId, now },
  );
  const result = await transactWrite([...completionItems(period, token, stamp), outboxItem(completed)]);
  return result.canceled ? getRun(period) : { ...done, status: 'completed', completedAt: stamp, updatedAt: stamp };
};
