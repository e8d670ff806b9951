/**
 * Order persistence on the single table. Every read-modify-write is conditional on the
 * order's `version` (optimistic locking); events go in the same transaction (outbox).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { batchGetItems } from '../shared/db/batch-get.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { getRecord, recordOf } from '../shared/db/read.js';
import { atVersion, createItem, createOnce, failedCondition, outboxItem, patchItem, putItem, transactWrite, type TransactItem } from '../shared/db/write.js';
import type { OrderShipment, OrderStatus, StoredRefund } from './order.js';
import {
  idempotencyItem,
  idempotencyKeyOf,
  idempotencyRecord,
  orderIndexKeys,
  orderItem,
  orderKey,
  parcelItem,
  refundItem,
  stripeEventItem,
  stripeEventKey,
  type IdempotencyRecord,
  type OrderFields,
} from './order-items.js';
import { merchantKey, merchantRecord, type MerchantRecord } from './merchant-record.js';
import { getOrder, type StoredOrder } from './order-read.js';
import { productKey, productRecord, type ProductRecord } from './product-read.js';

export { getOrder, listOrders, type ShardPositions, type StoredOrder } from './order-read.js';

export class OrderStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderStoreError';
  }
}

export interface OrderContext {
  readonly merchant: MerchantRecord | undefined;
  readonly idempotency: IdempotencyRecord | undefined;
  readonly products: ReadonlyMap<string, ProductRecord>;
}

/**
 * Everything placing an order needs to read, in ONE BatchGetItem: the merchant (its
 * markets), the Idempotency-Key record, and the products (at most 50: one call).
 */
export const loadOrderContext = async (merchantId: string, keyHash: string, skus: readonly string[]): Promise<OrderContext> => {
  const found = await batchGetItems([merchantKey(merchantId), idempotencyKeyOf(merchantId, keyHash), ...skus.map((sku) => productKey(merchantId, sku))].map((k) => ({ ...k })));
  const merchant = found.map((i) => recordOf('merchant', merchantRecord, i)).find((r) => r !== undefined);
  const idempotency = found.map((i) => recordOf('idempotency', idempotencyRecord, i)).find((r) => r !== undefined);
  const products = found.flatMap((i) => recordOf('product', productRecord, i) ?? []);
  return { merchant, idempotency, products: new Map(products.map((p) => [p.sku, p])) };
};

export type PlaceOutcome = 'placed' | 'key_in_use' | 'order_exists';

/** ONE TransactWriteItems: the order, the idempotency record (request hash + answer) and OrderPlaced. */
export const placeOrder = async (order: OrderFields, idempotency: IdempotencyRecord, event: OutboxItem): Promise<PlaceOutcome> => {
  const outcome = await transactWrite([createItem(idempotencyItem(idempotency)), createItem(orderItem(order)), outboxItem(event)]);
  if (!outcome.canceled) return 'placed';
  if (failedCondition(outcome, 0)) return 'key_in_use';
  if (failedCondition(outcome, 1)) return 'order_exists';
  throw new OrderStoreError(`order ${order.orderId} was not written: ${outcome.codes.join(', ')}`);
};

export const getIdempotencyRecord = (scope: string, keyHash: string): Promise<IdempotencyRecord | undefined> =>
  getRecord('idempotency', idempotencyRecord, idempotencyKeyOf(scope, keyHash), true);

export const findOrderByPaymentIntent = async (paymentIntentId: string): Promise<StoredOrder | undefined> => {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk = :sk',
      ExpressionAttributeValues: { ':pk': `PI#${paymentIntentId}`, ':sk': 'ORDER' },
      Limit: 1,
    }),
  );
  const orderId = Items?.[0]?.orderId;
  // The index is eventually consistent: read the order itself for the current version.
  return typeof orderId === 'string' ? getOrder(orderId) : undefined;
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

/**
 * The order update as a transaction item: the change, conditional on the version the
 * order was read at (optimistic locking), with the index keys that depend on status rebuilt.
 */
export const orderChangeItem = (order: StoredOrder, change: OrderChange, now: Date): TransactItem => {
  const { newRefunds: _refunds, ...fields } = change;
  const status = change.status ?? order.status;
  const orderId = order.placed.id;
  return patchItem(
    orderKey(orderId),
    'order',
    {
      set: {
        ...fields,
        status,
        merchantId: order.merchantId,
        shard: order.shard,
        createdAt: order.placed.createdAt,
        updatedAt: now.toISOString(),
        version: order.version + 1,
        orderId,
        ...orderIndexKeys({ orderId, merchantId: order.merchantId, shard: order.shard, status, createdAt: order.placed.createdAt }),
      },
    },
    atVersion(order.version),
  );
};

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
  const refunds = change.newRefunds ?? [];
  const outcome = await transactWrite([
    orderChangeItem(order, change, now),
    ...refunds.map((refund) => createItem(refundItem(order.placed.id, refund))),
    ...(stripeEvent ? [createItem(stripeEventItem(stripeEvent.eventId, stripeEvent.type, now))] : []),
    ...events.map(outboxItem),
  ]);
  if (!outcome.canceled) return 'saved';
  if (stripeEvent && failedCondition(outcome, 1 + refunds.length)) return 'duplicate_event';
  // The order moved on, or one of these refunds was recorded meanwhile: re-read and decide anew.
  if (failedCondition(outcome, 0) || refunds.some((_, i) => failedCondition(outcome, 1 + i))) return 'conflict';
  throw new OrderStoreError(`order ${order.placed.id} was not updated: ${outcome.codes.join(', ')}`);
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
  const outcome = await transactWrite([
    orderChangeItem(order, change, now),
    putItem(parcelItem({ orderId: order.placed.id, shipmentId: parcel.id, partnerCode: parcel.partnerCode, trackingNumber: parcel.trackingNumber, status: parcel.status, statusAt: parcel.statusAt })),
    ...events.map(outboxItem),
  ]);
  if (!outcome.canceled) return 'saved';
  if (failedCondition(outcome, 0)) return 'conflict';
  throw new OrderStoreError(`order ${order.placed.id} was not updated: ${outcome.codes.join(', ')}`);
};

/** Records a Stripe event that changes nothing, so its redelivery is recognised. */
export const markStripeEvent = async (eventId: string, type: string): Promise<'marked' | 'duplicate_event'> =>
  (await createOnce(stripeEventItem(eventId, type, new Date()))) ? 'marked' : 'duplicate_event';

export const stripeEventSeen = async (eventId: string): Promise<boolean> =>
  (await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { ...stripeEventKey(eventId) } }))).Item !== undefined;

