import type { OutboxItem } from '../shared/db/entities.js';
import { money } from '../shared/money.js';
import { outboxEvent } from '../shared/outbox.js';
import type { OrderState, RefundRecord } from './order.js';
import { OrderRefunded } from '../../events/schemas/orders.js';

/** `OrderRefunded` for a refund just recorded: this amount, the total so far, and what was paid. */
export const refundedEvent = (order: OrderState & { merchantId: string }, refund: RefundRecord, refundedTotal: number, correlationId: string, now: Date): OutboxItem =>
  outboxEvent(
    OrderRefunded,
    {
      orderId: order.placed.id,
      merchantId: order.merchantId,
      refundId: refund.id,
      amount: refund.amount,
      refundedTotal: money(refundedTotal, order.placed.currency),
      paidTotal: money(order.paidAmount, order.placed.currency),
      settlementMerchandise: order.placed.settlement.merchandise,
      fullyRefunded: refundedTotal >= order.paidAmount,
      source: refund.source,
      refundedAt: refund.createdAt,
    },
    { correlationId, now },
  );
