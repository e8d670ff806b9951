import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { outboxEvent } from '../shared/outbox.js';
import { cancelPaymentIntent, refundPayment } from '../payments/gateway.js';
import { canCancel, orderView, type StoredRefund } from './order.js';
import { refundFromStripe } from '../payments/stripe-effects.js';
import { orderPath, ownOrder } from './order-access.js';
import { saveOrderChange } from './order-store.js';
import { refundedEvent } from './refund-events.js';
import { OrderCancelled } from '../../events/schemas/orders.js';

/**
 * POST /v1/orders/{id}/cancel: from pending_payment (the PaymentIntent is cancelled) or
 * paid (refunded in full through Stripe, idempotently); 409 invalid_state otherwise.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath }, async (request) => {
  const merchantId = requireTenant(request);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const order = await ownOrder(merchantId, request.path.id);
    const now = new Date();
    const { placed } = order;
    const cancelRefundId = `ref_cancel_${placed.id.slice(4)}`;
    const recordedFirst = order.status === 'refunded' && order.refunds.find((r) => r.id === cancelRefundId);
    if (recordedFirst) {
      // Stripe's charge.refunded for this cancel's refund landed before our own write: finish the cancel.
      const cancelled = outboxEvent(
        OrderCancelled,
        { orderId: placed.id, merchantId, previousStatus: 'paid', refunded: recordedFirst.amount, cancelledAt: now.toISOString() },
        { correlationId: request.correlationId, now },
      );
      if ((await saveOrderChange(order, { status: 'cancelled', cancelledAt: now.toISOString() }, [cancelled])) === 'saved') {
        return { status: 200, body: orderView({ ...order, status: 'cancelled', cancelledAt: now.toISOString(), version: order.version + 1, updatedAt: now.toISOString() }) };
      }
      continue;
    }
    if (!canCancel(order.status)) throw new ProblemError('invalid_state', { params: { state: order.status } });
    let refund: StoredRefund | undefined;
    if (order.status === 'pending_payment') {
      await cancelPaymentIntent(placed.payment.paymentIntentId);
    } else if (order.paidAmount > order.refundedAmount) {
      // No amount: Stripe refunds what is left on the charge, so a retry sends the same parameters.
      const stripeRefund = await refundPayment({
        paymentIntentId: placed.payment.paymentIntentId,
        orderId: placed.id,
        refundId: cancelRefundId,
        reason: 'order cancelled',
        source: 'cancel',
        idempotencyKey: `order-cancel:${placed.id}`,
      });
      refund = refundFromStripe(placed.currency, stripeRefund);
    }
    const cancelled = outboxEvent(
      OrderCancelled,
      { orderId: placed.id, merchantId, previousStatus: order.status, refunded: refund?.amount ?? null, cancelledAt: now.toISOString() },
      { correlationId: request.correlationId, now },
    );
    const refunds = refund ? [...order.refunds, refund] : order.refunds;
    const refundedAmount = order.refundedAmount + (refund?.amount.amount ?? 0);
    const events = refund ? [cancelled, refundedEvent(order, refund, refundedAmount, request.correlationId, now)] : [cancelled];
    const change = { status: 'cancelled' as const, cancelledAt: now.toISOString(), refundedAmount, ...(refund ? { newRefunds: [refund] } : {}) };
    const outcome = await saveOrderChange(order, change, events);
    if (outcome === 'saved') {
      return { status: 200, body: orderView({ ...order, status: 'cancelled', cancelledAt: now.toISOString(), refunds, refundedAmount, version: order.version + 1, updatedAt: now.toISOString() }) };
    }
    // Someone changed the order meanwhile (a payment webhook): read it again and decide anew.
  }
  throw new ProblemError('idempotency_in_progress');
});
