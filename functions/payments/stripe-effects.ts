/**
 * What a Stripe event does to an order: pure decisions, so they are easy to test and
 * the webhook handler stays a thin adapter. Amounts are checked against the order's
 * own `totals.total` before anything is marked paid.
 */
import type { OrderChange } from '../orders/order-store.js';
import type { OrderState, StoredRefund } from '../orders/order.js';
import { money, type Currency } from '../shared/money.js';
import type { StripeRefund } from './gateway.js';

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
 * The record of a Stripe refund, the same whichever side records it: our API right after
 * creating it, or the `charge.refunded` webhook first (a crash, a slow write). Our refunds
 * carry their id, reason, source and request fingerprint in Stripe metadata; refunds made
 * in the Stripe dashboard get an id derived from Stripe's. The time is Stripe's `created`.
 */
export const refundFromStripe = (currency: Currency, refund: StripeRefund): StoredRefund => {
  const { refundId, reason, source, requestHash } = refund.metadata;
  return {
    id: refundId ?? `ref_stripe_${refund.id}`,
    amount: money(refund.amount, currency),
    reason: refundId ? (reason ?? 'refunded through the API') : 'refunded in Stripe',
    source: refundId ? (source === 'cancel' ? 'cancel' : 'api') : 'stripe',
    stripeRefundId: refund.id,
    createdAt: new Date(refund.created * 1000).toISOString(),
    ...(requestHash ? { requestHash } : {}),
  };
};

/** Most refunds recorded in one transaction (two items each, within DynamoDB's 100); the next webhook records the rest. */
export const maxRefundsPerChange = 40;

/**
 * Refunds Stripe knows of that the order does not (by Stripe refund id and by our refund
 * id): made in the Stripe dashboard, or by our API before its own write landed.
 */
export const unrecordedRefunds = (order: OrderState, stripeRefunds: readonly StripeRefund[]): StoredRefund[] => {
  const knownStripe = new Set(order.refunds.map((r) => r.stripeRefundId));
  const knownIds = new Set(order.refunds.map((r) => r.id));
  return stripeRefunds
    .filter((r) => !knownStripe.has(r.id) && r.currency.toUpperCase() === order.placed.currency)
    .map((r) => refundFromStripe(order.placed.currency, r))
    .filter((r) => !knownIds.has(r.id))
    .slice(0, maxRefundsPerChange);
};

/** The order after recording refunds: totals, and `refunded` once everything paid is back. */
export const withRefunds = (order: OrderState, added: readonly StoredRefund[]): OrderChange => {
  const refundedAmount = order.refundedAmount + added.reduce((sum, r) => sum + r.amount.amount, 0);
  const fully = order.paidAmount > 0 && refundedAmount >= order.paidAmount && order.status !== 'cancelled';
  return { newRefunds: added, refundedAmount, ...(fully ? { status: 'refunded' as const } : {}) };
};
