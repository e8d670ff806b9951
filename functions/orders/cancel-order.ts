import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { money } from '../shared/money.js';
import { outboxEvent } from '../shared/outbox.js';
import { cancelPaymentIntent, refundPayment } from '../payments/gateway.js';
import { canCancel, orderView, type RefundRecord } from './order.js';
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
    let refund: RefundRecord | undefined;
    if (order.status === 'pending_payment') {
      await cancelPaymentIntent(placed.payment.paymentIntentId);
    } else {
      const amount = money(order.paidAmount - order.refundedAmount, placed.currency);
      const refundId = `ref_cancel_${placed.id.slice(4)}`;
      const stripeRefund =
        amount.amount > 0
          ? await refundPayment({ paymentIntentId: placed.payment.paymentIntentId, amount, orderId: placed.id, refundId, idempotencyKey: `order-cancel:${placed.id}` })
          : undefined;
      refund = { id: refundId, amount, reason: 'order cancelled', source: 'cancel', stripeRefundId: stripeRefund?.id ?? null, createdAt: now.toISOString() };
    }
    const cancelled = outboxEvent(
      OrderCancelled,
      { orderId: placed.id, merchantId, previousStatus: order.status, refunded: refund?.amount ?? null, cancelledAt: now.toISOString() },
      { correlationId: request.correlationId, now },
    );
    const refunds = refund ? [...order.refunds, refund] : order.refunds;
    const refundedAmount = order.refundedAmount + (refund?.amount.amount ?? 0);
    const events = refund && refund.amount.amount > 0 ? [cancelled, refundedEvent(order, refund, refundedAmount, request.correlationId, now)] : [cancelled];
    const outcome = await saveOrderChange(order, { status: 'cancelled', cancelledAt: now.toISOString(), refunds, refundedAmount }, events);
    if (outcome === 'saved') {
      return { status: 200, body: orderView({ ...order, status: 'cancelled', cancelledAt: now.toISOString(), refunds, refundedAmount, version: order.version + 1, updatedAt: now.toISOString() }) };
    }
    // Someone changed the order meanwhile (a payment webhook): read it again and decide anew.
  }
  throw new ProblemError('idempotency_in_progress');
});
