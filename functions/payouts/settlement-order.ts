/**
 * One order's settlement as a pure state machine: the facts the order's events bring (paid,
 * delivered, refunded, cancelled), in any order and any number of times, give the same
 * final state, and the entries and postings they produce sum to that state. The store
 * persists a step (item, entries, postings, events) in one conditional transaction.
 */
import { divideHalfUp } from '../shared/money.js';
import {
  collectionPosting,
  merchantAccrualPosting,
  merchantReversalPosting,
  refundPosting,
  type Collected,
  type MerchantPosting,
} from './settlement-ledger.js';
import { accrualOf, isZero, minus, reversedTarget, zeroAmounts, type SettlementAmounts } from './settlement.js';
import { reversalTargetFen } from './commissions.js';

export interface Accrued extends SettlementAmounts {
  readonly takeRateBps: number;
  readonly deliveredAt: string;
  readonly payableAt: string;
  /** The payout period the accrual landed in. */
  readonly period: string;
}

export interface OrderSettlement {
  readonly orderId: string;
  readonly merchantId: string;
  readonly status: 'pending_delivery' | 'accrued' | 'cancelled';
  /** What the payment brought in (null until OrderPaid was applied). */
  readonly collected: Collected | null;
  readonly accrued: Accrued | null;
  readonly refundedTotal: number;
  readonly paidTotal: number;
  /** Cash given back so far, per component (ledger). */
  readonly cashReversed: Collected;
  /** Settlement reversed so far by entries (after delivery only). */
  readonly entryReversed: SettlementAmounts;
}

export type SettlementFact =
  | { readonly kind: 'paid'; readonly collected: Collected }
  | {
      readonly kind: 'delivered';
      readonly grossFen: number;
      readonly takeRateBps: number;
      /** The creator's rate when the order was placed; null when none or ineligible. */
      readonly commissionRateBps: number | null;
      readonly deliveredAt: string;
      readonly payableAt: string;
      /** The open period the accrual (and any reversal with it) lands in. */
      readonly period: string;
    }
  | { readonly kind: 'refunded'; readonly refundedTotal: number; readonly paidTotal: number; /** Open period for a reversal. */ readonly period: string }
  | { readonly kind: 'cancelled' };

export interface SettlementEntryDraft {
  readonly kind: 'accrual' | 'reversal';
  /** Signed: a reversal's amounts are negative. */
  readonly amounts: SettlementAmounts;
  readonly period: string;
  readonly deliveredAt: string;
}

export interface SettlementStep {
  readonly state: OrderSettlement;
  readonly entries: readonly SettlementEntryDraft[];
  readonly postings: readonly MerchantPosting[];
}

const zeroCollected: Collected = { grossFen: 0, shippingFen: 0, dutiesFen: 0 };

export const initialSettlement = (orderId: string, merchantId: string): OrderSettlement => ({
  orderId,
  merchantId,
  status: 'pending_delivery',
  collected: null,
  accrued: null,
  refundedTotal: 0,
  paidTotal: 0,
  cashReversed: zeroCollected,
  entryReversed: zeroAmounts,
});

/** round_half_up(x x refunded / paid) of each collected component. */
const cashTarget = (c: Collected, refunded: number, paid: number): Collected => ({
  grossFen: reversalTargetFen(c.grossFen, refunded, paid),
  shippingFen: reversalTargetFen(c.shippingFen, refunded, paid),
  dutiesFen: reversalTargetFen(c.dutiesFen, refunded, paid),
});

/** Duties in CNY: round_half_up(sum(line value x duty rate) / 10000), as the quote computed them. */
export const dutiesFenOf = (lines: ReadonlyArray<{ readonly declaredFen: number; readonly dutyRateBps: number }>): number =>
  Number(divideHalfUp(lines.reduce((sum, l) => sum + BigInt(l.declaredFen) * BigInt(l.dutyRateBps), 0n), 10_000n));

/**
 * Brings cash and entry reversals up to their cumulative targets (what refunds so far imply).
 * `period` is where a new reversal entry lands.
 */
const catchUp = (state: OrderSettlement, period: string): SettlementStep => {
  const entries: SettlementEntryDraft[] = [];
  const postings: MerchantPosting[] = [];
  let next = state;
  if (state.collected) {
    const target = cashTarget(state.collected, state.refundedTotal, state.paidTotal);
    const delta = { grossFen: target.grossFen - state.cashReversed.grossFen, shippingFen: target.shippingFen - state.cashReversed.shippingFen, dutiesFen: target.dutiesFen - state.cashReversed.dutiesFen };
    if (delta.grossFen > 0 || delta.shippingFen > 0 || delta.dutiesFen > 0) {
      const positive = { grossFen: Math.max(0, delta.grossFen), shippingFen: Math.max(0, delta.shippingFen), dutiesFen: Math.max(0, delta.dutiesFen) };
      postings.push(refundPosting(state.orderId, state.merchantId, positive));
      next = { ...next, cashReversed: { grossFen: state.cashReversed.grossFen + positive.grossFen, shippingFen: state.cashReversed.shippingFen + positive.shippingFen, dutiesFen: state.cashReversed.dutiesFen + positive.dutiesFen } };
    }
  }
  if (state.status === 'accrued' && state.accrued) {
    const target = reversedTarget(state.accrued, state.refundedTotal, state.paidTotal);
    const delta = minus(target, state.entryReversed);
    // Refunds only grow, so targets only grow; a smaller one (never expected) is ignored, not un-reversed.
    const grow = { grossFen: Math.max(0, delta.grossFen), feeFen: Math.max(0, delta.feeFen), commissionFen: Math.max(0, delta.commissionFen) };
    if (!isZero(grow)) {
      entries.push({ kind: 'reversal', amounts: { grossFen: -grow.grossFen, feeFen: -grow.feeFen, commissionFen: -grow.commissionFen }, period, deliveredAt: state.accrued.deliveredAt });
      postings.push(merchantReversalPosting(state.orderId, state.merchantId, grow));
      next = { ...next, entryReversed: { grossFen: state.entryReversed.grossFen + grow.grossFen, feeFen: state.entryReversed.feeFen + grow.feeFen, commissionFen: state.entryReversed.commissionFen + grow.commissionFen } };
    }
  }
  return { state: next, entries, postings };
};

/** Applies a fact; null when it changes nothing (a duplicate, or news already known). */
export const applyFact = (before: OrderSettlement, fact: SettlementFact): SettlementStep | null => {
  switch (fact.kind) {
    case 'paid': {
      if (before.collected) return null;
      const state = { ...before, collected: fact.collected };
      const caught = catchUp(state, before.accrued?.period ?? '');
      return { state: caught.state, entries: caught.entries, postings: [collectionPosting(before.orderId, before.merchantId, fact.collected), ...caught.postings] };
    }
    case 'delivered': {
      if (before.status !== 'pending_delivery') return null;
      const amounts = accrualOf(fact.grossFen, fact.takeRateBps, fact.commissionRateBps);
      const accrued: Accrued = { ...amounts, takeRateBps: fact.takeRateBps, deliveredAt: fact.deliveredAt, payableAt: fact.payableAt, period: fact.period };
      const state: OrderSettlement = { ...before, status: 'accrued', accrued };
      const caught = catchUp(state, fact.period);
      return {
        state: caught.state,
        entries: [{ kind: 'accrual', amounts, period: fact.period, deliveredAt: fact.deliveredAt }, ...caught.entries],
        postings: [merchantAccrualPosting(before.orderId, before.merchantId, amounts), ...caught.postings],
      };
    }
    case 'refunded': {
      const refundedTotal = Math.max(before.refundedTotal, fact.refundedTotal);
      if (refundedTotal === before.refundedTotal && fact.paidTotal === before.paidTotal) return null;
      return catchUp({ ...before, refundedTotal, paidTotal: Math.max(before.paidTotal, fact.paidTotal) }, fact.period);
    }
    case 'cancelled':
      // A cancelled order accrues nothing (delivery is impossible after it; a refund of a paid one still returns the cash).
      return before.status === 'pending_delivery' ? { state: { ...before, status: 'cancelled' }, entries: [], postings: [] } : null;
  }
};
