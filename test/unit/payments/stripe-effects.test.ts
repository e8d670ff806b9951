import type { OrderState, PlacedOrder } from '../../../functions/orders/order.js';
import { paymentFailed, paymentSucceeded, refundFromStripe, unrecordedRefunds, withRefunds } from '../../../functions/payments/stripe-effects.js';

const now = new Date('2026-11-20T10:00:00.000Z');
const placed = {
  id: 'ord_1',
  currency: 'USD',
  totals: { total: { amount: 12259, currency: 'USD' } },
  payment: { provider: 'stripe', paymentIntentId: 'pi_1', clientSecret: 's' },
} as unknown as PlacedOrder;
const pending: OrderState = { placed, status: 'pending_payment', version: 1, paidAmount: 0, refundedAmount: 0, refunds: [], updatedAt: '' };
const paid: OrderState = { ...pending, status: 'paid', paidAmount: 12259 };
const intent = { id: 'pi_1', amountReceived: 12259, currency: 'usd' };

describe('payment_intent.succeeded', () => {
  it('marks a pending order paid when amount and currency match its total', () => {
    expect(paymentSucceeded(pending, intent, now)).toEqual({
      kind: 'paid',
      amount: 12259,
      change: { status: 'paid', paidAmount: 12259, paidAt: now.toISOString() },
    });
  });

  it.each([
    ['one cent short', { ...intent, amountReceived: 12258 }],
    ['one cent over', { ...intent, amountReceived: 12260 }],
    ['another currency', { ...intent, currency: 'hkd' }],
  ])('records a mismatch (%s) without marking it paid', (_, facts) => {
    const effect = paymentSucceeded(pending, facts, now);
    expect(effect.kind).toBe('mismatch');
    expect(effect.kind !== 'none' && effect.change.status).toBeUndefined();
  });

  it('ignores another PaymentIntent and orders past pending_payment', () => {
    expect(paymentSucceeded(pending, { ...intent, id: 'pi_other' }, now).kind).toBe('none');
    expect(paymentSucceeded(paid, intent, now).kind).toBe('none');
    expect(paymentSucceeded({ ...pending, status: 'cancelled' }, intent, now).kind).toBe('none');
  });
});

describe('payment_intent.payment_failed', () => {
  it('records the error on a pending order only', () => {
    const failed = paymentFailed(pending, { ...intent, lastError: { code: 'card_declined', message: 'declined' } });
    expect(failed).toMatchObject({ kind: 'payment_failed', reason: 'card_declined', change: { paymentError: { code: 'card_declined' } } });
    expect(paymentFailed(paid, intent).kind).toBe('none');
  });
});

describe('refund reconciliation', () => {
  const stripeRefund = (id: string, amount: number, metadata: Record<string, string> = {}) => ({ id, amount, currency: 'usd', created: 1796292000, metadata });

  it('records only refunds the order does not know, naming ours by their own id', () => {
    const known = { ...paid, refunds: [{ id: 'ref_a', amount: { amount: 500, currency: 'USD' as const }, reason: 'x', source: 'api' as const, stripeRefundId: 're_a', createdAt: '' }], refundedAmount: 500 };
    const added = unrecordedRefunds(known, [stripeRefund('re_a', 500, { refundId: 'ref_a' }), stripeRefund('re_b', 700, { refundId: 'ref_b' }), stripeRefund('re_c', 300)]);
    expect(added.map((r) => [r.id, r.source, r.amount.amount])).toEqual([
      ['ref_b', 'api', 700],
      ['ref_stripe_re_c', 'stripe', 300],
    ]);
  });

  it('records our refund from its Stripe metadata exactly as the API does (reason, source, fingerprint, Stripe time)', () => {
    const ours = refundFromStripe('USD', stripeRefund('re_d', 900, { refundId: 'ref_d', reason: 'one scarf damaged', source: 'api', requestHash: 'h1' }));
    expect(ours).toEqual({
      id: 'ref_d',
      amount: { amount: 900, currency: 'USD' },
      reason: 'one scarf damaged',
      source: 'api',
      stripeRefundId: 're_d',
      createdAt: new Date(1796292000 * 1000).toISOString(),
      requestHash: 'h1',
    });
    expect(refundFromStripe('USD', stripeRefund('re_e', 100, { refundId: 'ref_cancel_X', reason: 'order cancelled', source: 'cancel' })).source).toBe('cancel');
    // The same refund already recorded under our id (by a webhook before Stripe's id was known) is not added twice.
    expect(unrecordedRefunds({ ...paid, refunds: [{ ...ours, stripeRefundId: null }] }, [stripeRefund('re_d', 900, { refundId: 'ref_d' })])).toEqual([]);
  });

  it('adds up refunds and marks the order refunded when all that was paid is back', () => {
    const refund = (amount: number) => ({ id: `ref_${amount}`, amount: { amount, currency: 'USD' as const }, reason: 'x', source: 'api' as const, stripeRefundId: `re_${amount}`, createdAt: '' });
    expect(withRefunds(paid, [refund(12258)])).toMatchObject({ refundedAmount: 12258 });
    expect(withRefunds(paid, [refund(12258)]).status).toBeUndefined();
    expect(withRefunds(paid, [refund(12258), refund(1)])).toMatchObject({ refundedAmount: 12259, status: 'refunded' });
    expect(withRefunds({ ...paid, status: 'cancelled' }, [refund(12259)]).status).toBeUndefined();
  });
});
