/**
 * Commissions: accrued when an attributed order is delivered (if the creator was eligible
 * under the terms in force when the order was placed), payable after the return window,
 * reversed in proportion to refunds. Consumers are idempotent: the commission item is
 * keyed by order, every change is conditional on its version, and reversals aim at a
 * cumulative target (round_half_up(commission x refunded / paid)), so a redelivered event
 * changes nothing.
 */
import type { EventDataOf } from '../../events/catalogue.js';
import { bucketOf } from '../shared/buckets.js';
import { newId } from '../shared/ids.js';
import { divideHalfUp } from '../shared/money.js';
import { now as clock } from '../shared/clock.js';
import { outboxEvent } from '../shared/outbox.js';
import { conditionCheck, createItem, outboxItem, putOnVersion, transactWrite, type TransactItem } from '../shared/db/write.js';
import { eligibility } from './creators.js';
import {
  commissionEntryStored,
  commissionItem,
  commissionKey,
  commissionRecord,
  entryBuckets,
  payoutHeadKey,
  type CommissionEntryRecord,
  type CommissionFields,
  type CommissionRecord,
} from './payout-items.js';
import { getRecord } from '../shared/db/read.js';
import { accrualPosting, reversalPosting } from './ledger.js';
import { getHead, postingItem, termsAt } from './payout-store.js';
import { addDays, nextPeriod, periodOf } from './periods.js';
import { CommissionAccrued, CommissionReversed } from '../../events/schemas/payouts.js';

export const returnWindowDays = (): number => Number(process.env.RETURN_WINDOW_DAYS ?? 7);

export const commissionFen = (settlementFen: number, rateBps: number): number => Number(divideHalfUp(BigInt(settlementFen) * BigInt(rateBps), 10_000n));

/** What has been reversed in total once `refunded` of `paid` went back: round_half_up(commission x refunded / paid). */
export const reversalTargetFen = (commission: number, refunded: number, paid: number): number =>
  paid <= 0 ? 0 : Number(divideHalfUp(BigInt(commission) * BigInt(Math.min(refunded, paid)), BigInt(paid)));

/**
 * The first period from `period` on that is after the latest run's period (the run head,
 * read strongly consistently): an entry never lands in a period already (being) run. An
 * accrual whose payable month was run already, or a reversal of a paid commission, nets
 * in the next open period. The write re-checks it (a condition on the head) in the same
 * transaction, so a run started meanwhile sends the write round again.
 */
export const openPeriodFrom = async (period: string): Promise<string> => {
  const head = await getHead();
  return head && head.lastPeriod >= period ? nextPeriod(head.lastPeriod) : period;
};

type Context = { correlationId: string };

/** A payable commission entry as written with its accrual or reversal (the payout bench seeds the same items). */
export const commissionEntryItem = (
  entry: { orderId: string; creatorId: string; kind: 'accrual' | 'reversal'; amountFen: number; period: string },
  now: Date,
): CommissionEntryRecord => ({ entryId: newId('cen'), ...entry, bucket: bucketOf(entry.creatorId, entryBuckets), createdAt: now.toISOString() });

/** The commission item written at the version it was read at (optimistic locking), or created. */
const commissionWrite = (before: CommissionRecord | undefined, item: CommissionFields): TransactItem =>
  before ? putOnVersion(commissionItem(item), before.version) : createItem(commissionItem(item));

/** The run head as a transaction condition: no run yet at or after `open` (the period an entry lands in). */
export const openPeriodCheck = (open: string): TransactItem =>
  conditionCheck(payoutHeadKey, { expression: 'attribute_not_exists(#lastPeriod) OR #lastPeriod < :open', names: { '#lastPeriod': 'lastPeriod' }, values: { ':open': open } });

/** The commission item alone (no entries): 'conflict' when someone changed it meanwhile. */
const saveCommission = async (before: CommissionRecord | undefined, item: CommissionFields): Promise<'saved' | 'conflict'> =>
  (await transactWrite([commissionWrite(before, item)])).canceled ? 'conflict' : 'saved';

/** Writes what a commission item needs now (accrual and/or reversal), conditional on its version. */
const applyCommission = async (before: CommissionRecord | undefined, after: CommissionFields, accrue: boolean, context: Context, now: Date): Promise<'saved' | 'conflict'> => {
  const creatorId = after.creatorId ?? '';
  const target = after.status === 'accrued' ? reversalTargetFen(after.amountFen, after.refundedTotal, after.paidTotal) : 0;
  const reverse = target - (before?.status === 'accrued' && !accrue ? before.reversedFen : 0);
  const reversalDelta = after.status === 'accrued' ? Math.max(0, reverse) : 0;
  const period = after.period ?? '';
  const reversalIn = reversalDelta > 0 ? (accrue ? period : await openPeriodFrom(period)) : period;
  // The periods these entries land in must still be after the latest run when the transaction commits.
  const openChecks = [...(accrue ? [period] : []), ...(reversalDelta > 0 ? [reversalIn] : [])].sort().slice(0, 1);
  const item: CommissionFields = { ...after, reversedFen: (accrue ? 0 : (before?.reversedFen ?? 0)) + reversalDelta, version: (before?.version ?? 0) + 1 };
  const result = await transactWrite([
    commissionWrite(before, item),
    ...openChecks.map(openPeriodCheck),
    ...(accrue
      ? [
          createItem(commissionEntryStored(commissionEntryItem({ orderId: item.orderId, creatorId, kind: 'accrual', amountFen: item.amountFen, period }, now))),
          postingItem(accrualPosting(item.orderId, creatorId, item.amountFen), now),
          outboxItem(
            outboxEvent(
              CommissionAccrued,
              { orderId: item.orderId, creatorId, amount: { amount: item.amountFen, currency: 'CNY' }, rateBps: item.rateBps ?? 0, payableAt: item.payableAt ?? '', period },
              { ...context, now },
            ),
          ),
        ]
      : []),
    ...(reversalDelta > 0
      ? [
          createItem(commissionEntryStored(commissionEntryItem({ orderId: item.orderId, creatorId, kind: 'reversal', amountFen: -reversalDelta, period: reversalIn }, now))),
          postingItem(reversalPosting(item.orderId, creatorId, reversalDelta), now),
          outboxItem(
            outboxEvent(
              CommissionReversed,
              { orderId: item.orderId, creatorId, amount: { amount: reversalDelta, currency: 'CNY' }, reversedTotal: { amount: item.reversedFen, currency: 'CNY' }, period: reversalIn },
              { ...context, now },
            ),
          ),
        ]
      : []),
  ]);
  return result.canceled ? 'conflict' : 'saved';
};

const getCommission = async (orderId: string): Promise<CommissionRecord | undefined> => getRecord('commission', commissionRecord, commissionKey(orderId), true);

/** OrderDelivered: accrue (or record why not), applying refunds that arrived before delivery. */
export const onOrderDelivered = async (data: EventDataOf<'OrderDelivered'>, context: Context): Promise<void> => {
  if (!data.attribution) return;
  const creatorId = data.attribution.creatorId;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const before = await getCommission(data.orderId);
    if (before && before.status !== 'pending_delivery') return; // already accrued or recorded: redelivery
    const now = clock();
    const inForce = await termsAt(creatorId, data.placedAt);
    const verdict = inForce ? eligibility(inForce.terms) : { eligible: false, reason: 'no such creator when the order was placed' };
    const base = {
      orderId: data.orderId,
      creatorId,
      refundedTotal: before?.refundedTotal ?? 0,
      paidTotal: before?.paidTotal ?? 0,
      reversedFen: 0,
      version: 0,
      ...(inForce ? { creatorVersion: inForce.version } : {}),
    };
    let outcome: 'saved' | 'conflict';
    if (!inForce || !verdict.eligible) {
      const item: CommissionFields = { ...base, status: 'ineligible', reason: verdict.reason ?? 'not eligible', amountFen: 0, version: (before?.version ?? 0) + 1 };
      outcome = await saveCommission(before, item);
    } else {
      const rateBps = inForce.terms.contract.commissionRateBps;
      const payableAt = addDays(data.deliveredAt, returnWindowDays());
      const after: CommissionFields = {
        ...base,
        status: 'accrued',
        rateBps,
        amountFen: commissionFen(data.settlementMerchandise.amount, rateBps),
        payableAt,
        period: await openPeriodFrom(periodOf(new Date(payableAt))),
      };
      outcome = await applyCommission(before, after, true, context, now);
    }
    if (outcome === 'saved') return;
  }
  throw new Error(`commission of order ${data.orderId} kept changing; the event will be retried`);
};

/** OrderRefunded: remember the refund, and reverse the accrued commission in proportion. */
export const onOrderRefunded = async (data: EventDataOf<'OrderRefunded'>, context: Context): Promise<void> => {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const before = await getCommission(data.orderId);
    const refundedTotal = Math.max(before?.refundedTotal ?? 0, data.refundedTotal.amount);
    if (before && before.refundedTotal === refundedTotal && before.paidTotal === data.paidTotal.amount) return; // nothing new
    const now = clock();
    if (!before || before.status !== 'accrued') {
      const item: CommissionFields = {
        ...(before ?? { orderId: data.orderId, status: 'pending_delivery' as const, amountFen: 0, reversedFen: 0 }),
        refundedTotal,
        paidTotal: data.paidTotal.amount,
        version: (before?.version ?? 0) + 1,
      };
      if ((await saveCommission(before, item)) === 'saved') return;
      continue;
    }
    const outcome = await applyCommission(before, { ...before, refundedTotal, paidTotal: data.paidTotal.amount }, false, context, now);
    if (outcome === 'saved') return;
  }
  throw new Error(`commission of order ${data.orderId} kept changing; the event will be retried`);
};
