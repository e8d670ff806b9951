/**
 * The orders context's items as the document client writes and reads them (decision 0046):
 * each builder lays an item out as its entity in entities.ts does (keys, index keys,
 * markers), and each record schema validates what a read returns.
 * test/unit/orders/plain-writes.test.ts holds every builder to its entity.
 */
import * as z from 'zod/mini';
import { storedItem, type Item, type TableKey } from '../shared/db/write.js';
import type { StoredRefund } from './order.js';
import { merchantOrdersPartition, orderPartition, type OrderRecord } from './order-read.js';

/** An order item's own key. */
export const orderKey = (orderId: string): TableKey => ({ pk: orderPartition(orderId), sk: 'ORDER' });

/** The index keys an order carries; gsi2's depends on its status, so every status change rewrites it. */
export const orderIndexKeys = (o: Pick<OrderRecord, 'orderId' | 'merchantId' | 'shard' | 'status' | 'createdAt'>): Record<string, string> => ({
  gsi1pk: merchantOrdersPartition(o.merchantId, o.shard),
  gsi1sk: `${o.createdAt}#${o.orderId}`,
  gsi2pk: merchantOrdersPartition(o.merchantId, o.shard, o.status),
  gsi2sk: `${o.createdAt}#${o.orderId}`,
});

/** An order as written: what it has from the start, and whatever it gathered since (optional). */
type Gathered = 'refunds' | 'paymentError' | 'paidAt' | 'cancelledAt' | 'shipments' | 'shippedAt' | 'deliveredAt';
export type OrderFields = Omit<OrderRecord, Gathered> & Partial<Pick<OrderRecord, Gathered>>;

/** A new order (entity `order`). */
export const orderItem = (o: OrderFields): Item =>
  storedItem('order', { ...o }, { ...orderKey(o.orderId), ...orderIndexKeys(o), gsi3pk: `PI#${o.paymentIntentId}`, gsi3sk: 'ORDER' });

/** The `Idempotency-Key` record: the request's hash and the answer to replay (entity `idempotency`). */
export const idempotencyRecord = z.lazy(() =>
  z.object({
    scope: z.string(),
    keyHash: z.string(),
    requestHash: z.string(),
    status: z.literal('completed'),
    responseStatus: z.number().check(z.int()),
    responseBody: z.string(),
    createdAt: z.string(),
    ttl: z.number().check(z.int()),
  }),
);
export type IdempotencyRecord = z.output<typeof idempotencyRecord>;

export const idempotencyKeyOf = (scope: string, keyHash: string): TableKey => ({ pk: `IDEMPOTENCY#${scope}#${keyHash}`, sk: 'IDEMPOTENCY' });
export const idempotencyItem = (r: IdempotencyRecord): Item => storedItem('idempotency', { ...r }, idempotencyKeyOf(r.scope, r.keyHash));


/** A refund as its own item under the order's partition (entity `orderRefund`). */
export const refundItem = (orderId: string, refund: StoredRefund): Item =>
  storedItem(
    'orderRefund',
    {
      orderId,
      refundId: refund.id,
      amount: refund.amount,
      reason: refund.reason,
      source: refund.source,
      createdAt: refund.createdAt,
      ...(refund.stripeRefundId ? { stripeRefundId: refund.stripeRefundId } : {}),
      ...(refund.requestHash ? { requestHash: refund.requestHash } : {}),
    },
    { pk: orderPartition(orderId), sk: `REFUND#${refund.id}` },
  );

/** A parcel of the order under its partition (entity `orderShipment`). */
export interface ParcelOnOrder {
  readonly orderId: string;
  readonly shipmentId: string;
  readonly partnerCode: string;
  readonly trackingNumber: string;
  readonly status: string;
  readonly statusAt: string;
}
export const parcelItem = (p: ParcelOnOrder): Item => storedItem('orderShipment', { ...p }, { pk: orderPartition(p.orderId), sk: `SHIPMENT#${p.shipmentId}` });

/** Stripe events already applied are remembered for 30 days (entity `stripeEvent`). */
const stripeEventDays = 30;
export const stripeEventKey = (eventId: string): TableKey => ({ pk: `STRIPEEVENT#${eventId}`, sk: 'STRIPEEVENT' });
export const stripeEventItem = (eventId: string, type: string, now: Date): Item =>
  storedItem('stripeEvent', { eventId, type, receivedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + stripeEventDays * 24 * 3600 }, stripeEventKey(eventId));
