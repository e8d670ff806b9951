/**
 * What a Stripe event does to an order: pure decisions, so they are easy to test and
 * the webhook handler stays a thin adapter. Amounts are checked against the order's
 * own `totals.total` before anything is marked paid.
 */
import type { OrderChange } from '../orders/order-store.js';
import type { OrderState, RefundRecord } from '../orders/order.js';
import { money } from '../shared/money.js';

export interface PaymentIntentFacts {
  readonly id: string;
  readonly amountReceived: number;
  readonly currency: string;
  readonly lastError?: { readonly code: string; readonly message: string } | undefined;
}

export type Effect =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'paid'; readonly change: OrderChange; readonly amount: number }
  | { readonly kind: 'mismatch'; readonly change: OrderChange; readonly reason: string }
  | { readonly kind: 'payment_failed'; readonly change: OrderChange; readonly reason: string };

export const paymentSucceeded = (order: OrderState, intent: PaymentIntentFacts, now: Date): Effect => {
  const { placed } = order;
  if (intent.id !== placed.payment.paymentIntentId) return { kind: 'none', reason: 'not this order’s PaymentIntent' };
  if (order.status !== 'pending_payment') return { kind: 'none', reason: `order already ${order.status}` };
  const expected = placed.totals.total;
  if (intent.amountReceived !== expected.amount || intent.currency.toUpperCase() !== expected.currency) {
    const reason = `received ${intent.amountReceived} ${intent.currency.toUpperCase()}, expected ${expected.amount} ${expected.currency}`;
    return { kind: 'mismatch', reason, change: { paymentError: { code: 'amount_mismatch', message: reason } } };
  }
  return { kind: 'paid', amount: intent.amountReceived, change: { status: 'paid', paidAmount: intent.amountReceived, paidAt: now.toISOString() } };
};

export const paymentFailed = (order: OrderState, intent: PaymentIntentFacts): Effect => {
  if (intent.id !== order.placed.payment.paymentIntentId) return { kind: 'none', reason: 'not this order’s PaymentIntent' };
  if (order.status !== 'pending_payment') return { kind: 'none', reason: `order already ${order.status}` };
  const error = intent.lastError ?? { code: 'payment_failed', message: 'The payment failed.' };
  return { kind: 'payment_failed', reason: error.code, change: { paymentError: error } };
};

/**
 * Refunds Stripe knows of that the order does not (by Stripe refund id): made in the
 * Stripe dashboard, or by our API just before its own write landed.
 */
export const unrecordedRefunds = (
  order: OrderState,
  stripeRefunds: ReadonlyArray<{ id: string; amount: number; currency: string; metadata: Record<string, string> }>,
  now: Date,
): RefundRecord[] => {
  const known = new Set(order.refunds.map((r) => r.stripeRefundId));
  return stripeRefunds
    .filter((r) => !known.has(r.id) && r.currency.toUpperCase() === order.placed.currency)
    .map((r) => ({
      id: r.metadata.refundId ?? `ref_stripe_${r.id}`,
      amount: money(r.amount, order.placed.currency),
      reason: 'refunded in Stripe',
      source: r.metadata.refundId ? 'api' : 'stripe',
      stripeRefundId: r.id,
      createdAt: now.toISOString(),
    }));
};

/** The order after recording refunds: totals, and `refunded` once everything paid is back. */
export const withRefunds = (order: OrderState, added: readonly RefundRecord[]): OrderChange => {
  const refundedAmount = order.refundedAmount + added.reduce((sum, r) => sum + r.amount.amount, 0);
  const fully = order.paidAmount > 0 && refundedAmount >= order.paidAmount && order.status !== 'cancelled';
  return { refunds: [...order.refunds, ...added], refundedAmount, ...(fully ? { status: 'refunded' as const } : {}) };
};
