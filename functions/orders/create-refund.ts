import { refundPayment } from '../payments/gateway.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { derivedToken } from '../shared/idempotency.js';
import { newId } from '../shared/ids.js';
import { money } from '../shared/money.js';
import { refundBody, refundableAmount, type RefundRecord } from './order.js';
import { orderPath, ownOrder } from './order-access.js';
import { saveOrderChange } from './order-store.js';
import { refundedEvent } from './refund-events.js';
import { withRefunds } from '../payments/stripe-effects.js';

const refundView = (orderId: string, refund: RefundRecord) => ({ ...refund, orderId, status: 'succeeded' as const });

/**
 * POST /v1/orders/{id}/refunds: part or all of what is left (never more than was paid).
 * An `Idempotency-Key` header makes retries safe end to end: the same key names the same
 * refund here and at Stripe.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath, body: refundBody }, async (request) => {
  const merchantId = requireTenant(request);
  const key = request.headers['idempotency-key'];
  let order = await ownOrder(merchantId, request.path.id);
  const refundId = key ? `ref_${derivedToken('refund', order.placed.id, key).slice(0, 26)}` : newId('ref');
  const already = order.refunds.find((r) => r.id === refundId);
  if (already) {
    // The same key with another amount or reason is another request, as for orders.
    const sameRequest = already.reason === request.body.reason && (!request.body.amount || request.body.amount.amount === already.amount.amount);
    if (!sameRequest) throw new ProblemError('idempotency_key_reused');
    return { status: 201, body: { refund: refundView(order.placed.id, already) }, headers: { 'idempotent-replayed': 'true' } };
  }

  const remaining = refundableAmount(order);
  if (remaining === 0) throw new ProblemError('invalid_state', { params: { state: order.status } });
  const requested = request.body.amount;
  if (requested && requested.currency !== order.placed.currency) {
    throw new ProblemError('validation_failed', { errors: [{ path: 'amount.currency', message: `the order is in ${order.placed.currency}` }] });
  }
  const amount = money(requested?.amount ?? remaining, order.placed.currency);
  if (amount.amount > remaining) {
    throw new ProblemError('validation_failed', { errors: [{ path: 'amount.amount', message: `at most ${remaining} can still be refunded` }] });
  }

  const stripeRefund = await refundPayment({
    paymentIntentId: order.placed.payment.paymentIntentId,
    amount,
    orderId: order.placed.id,
    refundId,
    idempotencyKey: key ? `refund:${derivedToken(order.placed.id, key)}` : `refund:${order.placed.id}:${refundId}`,
  });
  const now = new Date();
  const refund: RefundRecord = { id: refundId, amount, reason: request.body.reason, source: 'api', stripeRefundId: stripeRefund.id, createdAt: now.toISOString() };

  for (let attempt = 0; attempt < 3; attempt += 1) {
    // A charge.refunded webhook may have recorded this very refund first (matched by Stripe id).
    if (order.refunds.some((r) => r.stripeRefundId === stripeRefund.id)) return { status: 201, body: { refund: refundView(order.placed.id, refund) } };
    const change = withRefunds(order, [refund]);
    const event = refundedEvent(order, refund, change.refundedAmount ?? order.refundedAmount, request.correlationId, now);
    if ((await saveOrderChange(order, change, [event])) === 'saved') return { status: 201, body: { refund: refundView(order.placed.id, refund) } };
    order = await ownOrder(merchantId, order.placed.id);
  }
  throw new ProblemError('idempotency_in_progress');
});
