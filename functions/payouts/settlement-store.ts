/**
 * Merchant settlement persistence: the order consumers (paid, delivered, refunded, cancelled)
 * apply a fact to the order's settlement state (settlement-order.ts) and write the step in
 * ONE transaction, conditional on the state's version: the item, its entries (keyed by
 * period and bucket for the run), the merchant's period totals, the ledger postings and the
 * outbox events. A redelivered or reordered event finds nothing new and writes nothing.
 */
import * as z from 'zod/mini';
import type { EventDataOf } from '../../events/catalogue.js';
import { bucketOf } from '../shared/buckets.js';
import { now as clock } from '../shared/clock.js';
import { createItem, outboxItem, putOnVersion, transactWrite, upsertItem, type TransactItem } from '../shared/db/write.js';
import { newId } from '../shared/ids.js';
import { outboxEvent } from '../shared/outbox.js';
import { parseStored } from '../shared/db/stored-item.js';
import { orderKey } from '../orders/order-items.js';
import { orderRecord } from '../orders/order-read.js';
import { defaultTakeRateBps } from '../orders/merchant-record.js';
import { openPeriodCheck, openPeriodFrom, returnWindowDays } from './commissions.js';
import { eligibility } from './creators.js';
import { postingItem, termsAt } from './payout-store.js';
import { addDays, periodOf } from './periods.js';
import { figuresOf, netOf, type StatementFigures } from './settlement.js';
import { getRecord } from '../shared/db/read.js';
import {
  merchantPeriodKey,
  merchantSettlementItem,
  merchantSettlementKey,
  merchantSettlementRecord,
  periodTotalShards,
  settlementEntryBuckets,
  settlementEntryItem as settlementEntryStored,
  type MerchantSettlementRecord,
  type SettlementEntryRecord,
} from './settlement-items.js';
import { applyFact, dutiesFenOf, initialSettlement, type OrderSettlement, type SettlementEntryDraft, type SettlementFact, type SettlementStep } from './settlement-order.js';
import { MerchantSettlementAccrued } from '../../events/schemas/payouts.js';

/** The state as stored, built on its first read like every record schema (its parts too). */
const settlementState = z.lazy(() => {
  const collected = z.object({ grossFen: z.number().check(z.int()), shippingFen: z.number().check(z.int()), dutiesFen: z.number().check(z.int()) });
  const amounts = z.object({ grossFen: z.number().check(z.int()), feeFen: z.number().check(z.int()), commissionFen: z.number().check(z.int()) });
  return z.object({
    orderId: z.string(),
    merchantId: z.string(),
    status: z.enum(['pending_delivery', 'accrued', 'cancelled']),
    collected: z.nullable(collected),
    accrued: z.nullable(z.extend(amounts, { takeRateBps: z.number().check(z.int()), deliveredAt: z.string(), payableAt: z.string(), period: z.string() })),
    refundedTotal: z.number().check(z.int()),
    paidTotal: z.number().check(z.int()),
    cashReversed: collected,
    entryReversed: amounts,
  });
});

type Context = { correlationId: string };

export const getSettlement = async (orderId: string): Promise<{ item: MerchantSettlementRecord | null; state: OrderSettlement | null }> => {
  const data = await getRecord('merchantSettlement', merchantSettlementRecord, merchantSettlementKey(orderId), true);
  return { item: data ?? null, state: data ? parseStored(settlementState, data.state, `settlement of order ${orderId}`) : null };
};

const settlementWrite = (before: MerchantSettlementRecord | null, state: OrderSettlement): TransactItem => {
  const item = merchantSettlementItem({ orderId: state.orderId, merchantId: state.merchantId, status: state.status, state, version: (before?.version ?? 0) + 1 });
  return before ? putOnVersion(item, before.version) : createItem(item);
};

/** A settlement entry of a step as the store writes it (the payout bench seeds the same items). */
export const settlementEntryItem = (state: OrderSettlement, entry: SettlementEntryDraft, now: Date): SettlementEntryRecord => ({
  entryId: newId('sen'),
  orderId: state.orderId,
  merchantId: state.merchantId,
  kind: entry.kind,
  ...entry.amounts,
  netFen: netOf(entry.amounts),
  deliveredAt: entry.deliveredAt,
  period: entry.period,
  bucket: bucketOf(state.merchantId, settlementEntryBuckets),
  createdAt: now.toISOString(),
});

/** An entry's figures added to one shard of the merchant's period totals (created by the first). */
export const periodTotalsItem = (merchantId: string, period: string, shard: number, f: StatementFigures): TransactItem =>
  upsertItem(merchantPeriodKey(merchantId, period, shard), 'merchantPeriod', {
    set: { merchantId, period, shard },
    add: { grossFen: f.grossFen, feeFen: f.feeFen, commissionFen: f.commissionFen, refundsFen: f.refundsFen, netFen: f.netFen, entryCount: 1 },
  });

/** Writes one step; 'conflict' when the order's settlement (or an open period) changed meanwhile. */
const saveStep = async (before: MerchantSettlementRecord | null, step: SettlementStep, context: Context): Promise<'saved' | 'conflict'> => {
  const now = clock(); // one clock with the commissions module: their postings land in the same ledger month
  const { state } = step;
  const openPeriods = [...new Set(step.entries.map((e) => e.period))];
  const result = await transactWrite([
    settlementWrite(before, state),
    // The periods these entries land in must not have a run yet when this commits.
    // (the run head: no run at or after the earliest of them), as commission entries do.
    ...(openPeriods.length > 0 ? [openPeriodCheck([...openPeriods].sort()[0] ?? '')] : []),
    ...step.entries.map((entry) => createItem(settlementEntryStored(settlementEntryItem(state, entry, now)))),
    ...step.entries.map((entry) => periodTotalsItem(state.merchantId, entry.period, bucketOf(state.orderId, periodTotalShards), figuresOf(entry.kind, entry.amounts))),
    ...step.postings.map((posting) => postingItem(posting, now)),
    ...step.entries
      .filter((entry) => entry.kind === 'accrual')
      .map((entry) => {
        const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
        const data: EventDataOf<'MerchantSettlementAccrued'> = {
          orderId: state.orderId,
          merchantId: state.merchantId,
          gross: cny(entry.amounts.grossFen),
          platformFee: cny(entry.amounts.feeFen),
          creatorCommission: cny(entry.amounts.commissionFen),
          net: cny(netOf(entry.amounts)),
          takeRateBps: state.accrued?.takeRateBps ?? defaultTakeRateBps,
          deliveredAt: entry.deliveredAt,
          payableAt: state.accrued?.payableAt ?? entry.deliveredAt,
          period: entry.period,
        };
        return outboxItem(outboxEvent(MerchantSettlementAccrued, data, { ...context, now }));
      }),
  ]);
  return result.canceled ? 'conflict' : 'saved';
};

export class SettlementConflictError extends Error {
  constructor(orderId: string) {
    super(`settlement of order ${orderId} kept changing; the event will be retried`);
    this.name = 'SettlementConflictError';
  }
}

/**
 * Reads the order's settlement, asks `factOf` what the event means for it now (a period may
 * depend on the state), applies it and writes the step; retries on a conflict.
 */
const applyToOrder = async (orderId: string, merchantId: string, factOf: (state: OrderSettlement) => Promise<SettlementFact>, context: Context): Promise<void> => {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { item, state } = await getSettlement(orderId);
    const current = state ?? initialSettlement(orderId, merchantId);
    const step = applyFact(current, await factOf(current));
    if (!step) return; // nothing new: a duplicate or news already applied
    if ((await saveStep(item, step, context)) === 'saved') return;
  }
  throw new SettlementConflictError(orderId);
};

/** The creator's commission rate on the order (null when none or not eligible), as the commissions module decides it. */
export const commissionRateOn = async (attribution: { creatorId: string } | null, placedAt: string): Promise<number | null> => {
  if (!attribution) return null;
  const inForce = await termsAt(attribution.creatorId, placedAt);
  return inForce && eligibility(inForce.terms).eligible ? inForce.terms.contract.commissionRateBps : null;
};

/** The open period a reversal of this order lands in now (after a run: the next open one). */
const reversalPeriod = async (state: OrderSettlement): Promise<string> => (state.accrued ? openPeriodFrom(state.accrued.period) : '');

export const onOrderPaid = async (data: EventDataOf<'OrderPaid'>, context: Context): Promise<void> => {
  const order = await getRecord('order', orderRecord, orderKey(data.orderId), true);
  if (!order) throw new Error(`order ${data.orderId} of a payment not found`);
  const placed = order.document;
  const fact: SettlementFact = {
    kind: 'paid',
    collected: {
      grossFen: placed.settlement.merchandise.amount,
      shippingFen: placed.settlement.shipping.amount,
      dutiesFen: dutiesFenOf(placed.customs.items.map((i) => ({ declaredFen: i.declaredValue.amount, dutyRateBps: i.dutyRateBps }))),
    },
  };
  await applyToOrder(data.orderId, data.merchantId, () => Promise.resolve(fact), context);
};

export const onOrderDelivered = async (data: EventDataOf<'OrderDelivered'>, context: Context): Promise<void> => {
  const commissionRateBps = await commissionRateOn(data.attribution, data.placedAt);
  const payableAt = addDays(data.deliveredAt, returnWindowDays());
  await applyToOrder(
    data.orderId,
    data.merchantId,
    async () => ({
      kind: 'delivered',
      grossFen: data.settlementMerchandise.amount,
      takeRateBps: data.takeRateBps ?? defaultTakeRateBps,
      commissionRateBps,
      deliveredAt: data.deliveredAt,
      payableAt,
      period: await openPeriodFrom(periodOf(new Date(payableAt))),
    }),
    context,
  );
};

export const onOrderRefunded = async (data: EventDataOf<'OrderRefunded'>, context: Context): Promise<void> =>
  applyToOrder(
    data.orderId,
    data.merchantId,
    async (state) => ({ kind: 'refunded', refundedTotal: data.refundedTotal.amount, paidTotal: data.paidTotal.amount, period: await reversalPeriod(state) }),
    context,
  );

export const onOrderCancelled = async (data: EventDataOf<'OrderCancelled'>, context: Context): Promise<void> =>
  applyToOrder(data.orderId, data.merchantId, () => Promise.resolve({ kind: 'cancelled' }), context);
