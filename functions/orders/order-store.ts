/**
 * Order persistence on the single table. Every read-modify-write is conditional on the
 * order's `version` (optimistic locking); events go in the same transaction (outbox).
 */
import type { OutboxItem } from '../shared/db/entities.js';
import { batchGetItems, keyOf } from '../shared/db/batch-get.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { db, type TransactionEntities } from './db.js';
import type { IdempotencyItem, MerchantItem, OrderItem, ProductItem } from './entities.js';
import type { OrderShipment, OrderStatus, StoredRefund } from './order.js';
import { getOrder, type StoredOrder } from './order-read.js';

export { getOrder, listOrders, type ShardPositions, type StoredOrder } from './order-read.js';

export class OrderStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderStoreError';
  }
}

export interface OrderContext {
  readonly merchant: MerchantItem | undefined;
  readonly idempotency: IdempotencyItem | undefined;
  readonly products: ReadonlyMap<string, ProductItem>;
}

const entityOf = (item: Record<string, unknown>): unknown => item.__edb_e__;

/**
 * Everything placing an order needs to read, in ONE BatchGetItem: the merchant (its
 * markets), the Idempotency-Key record, and the products (at most 50: one call).
 */
export const loadOrderContext = async (merchantId: string, keyHash: string, skus: readonly string[]): Promise<OrderContext> => {
  const { entities } = db();
  const requests = [
    entities.merchant.get({ merchantId }).params(),
    entities.idempotency.get({ scope: merchantId, keyHash }).params(),
    ...skus.map((sku) => entities.product.get({ merchantId, sku }).params()),
  ];
  const found = await batchGetItems(requests.map(keyOf));
  const pick = <T>(entity: string, parse: (item: Record<string, unknown>) => T | null): T[] =>
    found.filter((i) => entityOf(i) === entity).flatMap((i) => parse(i) ?? []);
  const merchant = pick('merchant', (Item) => entities.merchant.parse({ Item }).data)[0];
  const idempotency = pick('idempotency', (Item) => entities.idempotency.parse({ Item }).data)[0];
  const products = pick('product', (Item) => entities.product.parse({ Item }).data);
  return { merchant, idempotency, products: new Map(products.map((p) => [p.sku, p])) };
};

export type PlaceOutcome = 'placed' | 'key_in_use' | 'order_exists';

/** ONE TransactWriteItems: the order, the idempotency record (request hash + answer) and OrderPlaced. */
export const placeOrder = async (order: OrderItem, idempotency: IdempotencyItem, event: OutboxItem): Promise<PlaceOutcome> => {
  const result = await db()
    .transaction.write(({ order: orders, idempotency: records, outbox }) => [
      records.create(idempotency).commit(),
      orders.create(order).commit(),
      outbox.create(event).commit(),
    ])
    .go();
  if (!result.canceled) return 'placed';
  const [record, placed] = result.data;
  if (record?.rejected && record.code === 'ConditionalCheckFailed') return 'key_in_use';
  if (placed?.rejected && placed.code === 'ConditionalCheckFailed') return 'order_exists';
  throw new OrderStoreError(`order ${order.orderId} was not written: ${result.data.map((d) => d.code).join(', ')}`);
};

export const getIdempotencyRecord = async (scope: string, keyHash: string): Promise<IdempotencyItem | undefined> =>
  (await db().entities.idempotency.get({ scope, keyHash }).go({ consistent: true })).data ?? undefined;

export const findOrderByPaymentIntent = async (paymentIntentId: string): Promise<StoredOrder | undefined> => {
  const { data } = await db().entities.order.query.byPaymentIntent({ paymentIntentId }).go({ limit: 1 });
  const hit = data[0];
  // The index is eventually consistent: read the order itself for the current version.
  return hit ? getOrder(hit.orderId) : undefined;
};

export interface OrderChange {
  readonly status?: OrderStatus;
  readonly paidAmount?: number;
  readonly refundedAmount?: number;
  /** Refunds to record with this change (each created only if absent). */
  readonly newRefunds?: readonly StoredRefund[];
  readonly paymentError?: { code: string; message: string };
  readonly paidAt?: string;
  readonly cancelledAt?: string;
  readonly shipments?: readonly OrderShipment[];
  readonly shippedAt?: string;
  readonly deliveredAt?: string;
}

export type SaveOutcome = 'saved' | 'conflict' | 'duplicate_event';

/** Only the fields a change sets (ElectroDB refuses `undefined` for required attributes). */
const definedOnly = ({ newRefunds: _refunds, ...change }: OrderChange): Omit<OrderChange, 'newRefunds'> =>
  Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) as Omit<OrderChange, 'newRefunds'>;

/** A refund as its own item under the order's partition, written only if it is not there yet. */
const refundItem = (entities: TransactionEntities, orderId: string, refund: StoredRefund) =>
  entities.orderRefund
    .create({
      orderId,
      refundId: refund.id,
      amount: refund.amount,
      reason: refund.reason,
      source: refund.source,
      createdAt: refund.createdAt,
      ...(refund.stripeRefundId ? { stripeRefundId: refund.stripeRefundId } : {}),
      ...(refund.requestHash ? { requestHash: refund.requestHash } : {}),
    })
    .commit();


/**
 * The order update as a transaction item: the change, conditional on the version the
 * order was read at (optimistic locking), with every index composite ElectroDB needs to
 * rebuild the keys that depend on status.
 */
export const orderChangeItem = (entities: TransactionEntities, order: StoredOrder, change: OrderChange, now: Date) =>
  entities.order
    .patch({ orderId: order.placed.id })
    .set({
      ...definedOnly(change),
      status: change.status ?? order.status,
      merchantId: order.merchantId,
      shard: order.shard,
      createdAt: order.placed.createdAt,
      updatedAt: now.toISOString(),
      version: order.version + 1,
    })
    .where(({ version }, { eq }) => eq(version, order.version))
    .commit();

/**
 * Applies a change if the order is still at the version it was read at, with its events,
 * and (for webhooks) the marker of the Stripe event that caused it, all in one transaction.
 */
export const saveOrderChange = async (
  order: StoredOrder,
  change: OrderChange,
  events: readonly OutboxItem[],
  stripeEvent?: { eventId: string; type: string },
): Promise<SaveOutcome> => {
  const now = new Date();
  const result = await db()
    .transaction.write((entities) => [
      orderChangeItem(entities, order, change, now),
      ...(change.newRefunds ?? []).map((refund) => refundItem(entities, order.placed.id, refund)),
      ...(stripeEvent
        ? [
            entities.stripeEvent
              .create({ ...stripeEvent, receivedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + 30 * 24 * 3600 })
              .commit(),
          ]
        : []),
      ...events.map((e) => entities.outbox.create(e).commit()),
    ])
    .go();
  if (!result.canceled) return 'saved';
  const results = result.data as ReadonlyArray<{ rejected: boolean; code: string }>;
  const refundCount = change.newRefunds?.length ?? 0;
  const failed = (r: { rejected: boolean; code: string } | undefined) => r?.rejected === true && r.code === 'ConditionalCheckFailed';
  if (stripeEvent && failed(results[1 + refundCount])) return 'duplicate_event';
  // The order moved on, or one of these refunds was recorded meanwhile: re-read and decide anew.
  if (failed(results[0]) || results.slice(1, 1 + refundCount).some(failed)) return 'conflict';
  throw new OrderStoreError(`order ${order.placed.id} was not updated: ${result.data.map((d) => d.code).join(', ')}`);
};

/**
 * A parcel's news on its order: the parcel's item under the order's partition and the
 * order (always conditional on the version read and bumped, so two parcels of one order
 * projected at once are serialised: the second sees the first and decides "every parcel
 * delivered" on the whole list), with the events, in one transaction.
 */
export const saveParcelProgress = async (
  order: StoredOrder,
  parcel: OrderShipment,
  change: Omit<OrderChange, 'shipments'>,
  events: readonly OutboxItem[],
): Promise<SaveOutcome> => {
  const now = new Date();
  const result = await db()
    .transaction.write((entities) => [
      orderChangeItem(entities, order, change, now),
      entities.orderShipment
        .put({ orderId: order.placed.id, shipmentId: parcel.id, partnerCode: parcel.partnerCode, trackingNumber: parcel.trackingNumber, status: parcel.status, statusAt: parcel.statusAt })
        .commit(),
      ...events.map((e) => entities.outbox.create(e).commit()),
    ])
    .go();
  if (!result.canceled) return 'saved';
  const [orderResult] = result.data as ReadonlyArray<{ rejected: boolean; code: string }>;
  if (orderResult?.rejected && orderResult.code === 'ConditionalCheckFailed') return 'conflict';
  throw new OrderStoreError(`order ${order.placed.id} was not updated: ${result.data.map((d) => d.code).join(', ')}`);
};

/** Records a Stripe event that changes nothing, so its redelivery is recognised. */
export const markStripeEvent = async (eventId: string, type: string): Promise<'marked' | 'duplicate_event'> => {
  const now = new Date();
  try {
    await db()
      .entities.stripeEvent.create({ eventId, type, receivedAt: now.toISOString(), ttl: Math.floor(now.getTime() / 1000) + 30 * 24 * 3600 })
      .go();
    return 'marked';
  } catch (error) {
    if (isConditionalCheckFailure(error)) return 'duplicate_event';
    throw error;
  }
};

export const stripeEventSeen = async (eventId: string): Promise<boolean> =>
  (await db().entities.stripeEvent.get({ eventId }).go()).data !== null;

