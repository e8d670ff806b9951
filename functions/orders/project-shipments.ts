import { eventHandler } from '../shared/event-handler.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { outboxEvent } from '../shared/outbox.js';
import { getOrder, saveOrderChange } from './order-store.js';
import { applyShipmentNews } from './shipment-progress.js';
import { OrderDelivered, OrderShipped, ShipmentStatusChanged } from '../../events/schemas/logistics.js';

export class OrderProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderProjectionError';
  }
}

/**
 * ShipmentStatusChanged -> the order's parcel list and status; OrderShipped and
 * OrderDelivered once each. Idempotent under redelivery (applied news is recognised),
 * optimistic locking against concurrent parcels of one order.
 */
export const handler = eventHandler([ShipmentStatusChanged], async ({ detail }) => {
  const news = detail.data;
  const context = { correlationId: detail.metadata.correlationId };
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const order = await getOrder(news.orderId);
    if (!order) throw new OrderProjectionError(`order ${news.orderId} of shipment ${news.shipmentId} not found`);
    const progress = applyShipmentNews(order, news);
    if (!progress) return;
    const now = new Date();
    const events: OutboxItem[] = [];
    if (progress.shipped) {
      events.push(outboxEvent(OrderShipped, { orderId: order.placed.id, merchantId: order.merchantId, shippedAt: news.statusAt }, { ...context, now }));
    }
    if (progress.delivered) {
      events.push(
        outboxEvent(
          OrderDelivered,
          {
            orderId: order.placed.id,
            merchantId: order.merchantId,
            placedAt: order.placed.createdAt,
            deliveredAt: news.statusAt,
            settlementMerchandise: order.placed.settlement.merchandise,
            attribution: order.placed.attribution ?? null,
          },
          { ...context, now },
        ),
      );
    }
    const outcome = await saveOrderChange(
      order,
      {
        shipments: progress.shipments,
        ...(progress.status !== order.status ? { status: progress.status } : {}),
        ...(progress.shipped ? { shippedAt: news.statusAt } : {}),
        ...(progress.delivered ? { deliveredAt: news.statusAt } : {}),
      },
      events,
    );
    if (outcome === 'saved') return;
  }
  throw new OrderProjectionError(`order ${news.orderId} kept changing; the event will be retried`);
});
