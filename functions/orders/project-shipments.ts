import { backoff } from '../shared/backoff.js';
import { eventHandler } from '../shared/event-handler.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { outboxEvent } from '../shared/outbox.js';
import { getOrder, saveParcelProgress } from './order-store.js';
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
  for (let attempt = 0; attempt < 8; attempt += 1) {
    // Parcels of one order projected at once serialise on the order's version: back off with jitter.
    if (attempt > 0) await backoff(attempt);
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
            ...(order.placed.takeRateBps === undefined ? {} : { takeRateBps: order.placed.takeRateBps }),
          },
          { ...context, now },
        ),
      );
    }
    const parcel = progress.shipments.find((s) => s.id === news.shipmentId);
    if (!parcel) return;
    const outcome = await saveParcelProgress(
      order,
      parcel,
      {
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
