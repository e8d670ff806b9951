/**
 * Reading an order: one consistent Query on its partition with the document client, each
 * item validated with the zod schema of what the orders context writes (order-items.ts,
 * in its entities' layout; unit tests hold the key layouts and shapes together).
 * Read paths (GET order, the projections) carry no entity framework.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored, storedOptional as optional } from '../shared/db/stored-item.js';
import { moneySchema } from '../shared/money.js';
import { orderShards, orderStatuses, placedOrderSchema, type OrderState, type OrderStatus } from './order.js';

const money = moneySchema();

const refundSource = z.enum(['api', 'cancel', 'stripe']);

/** Legacy: refunds kept in a list on the order item before they became items of their own. */
const legacyRefund = z.lazy(() =>
  z.object({ id: z.string(), amount: money, reason: z.string(), source: refundSource, stripeRefundId: z.nullable(z.string()), createdAt: z.string() }),
);
/** Legacy: parcels kept in a list on the order item. */
const legacyShipment = z.lazy(() =>
  z.object({ id: z.string(), partnerCode: z.string(), trackingNumber: z.string(), status: z.string(), statusAt: z.string() }),
);

/**
 * The fields of an order another context shows beside its own items (the payout line
 * drill-down): the order document is neither validated nor needed there, so one odd legacy
 * document does not fail a finance page about commissions.
 */
export const orderSummaryRecord = z.lazy(() =>
  z.object({ orderId: z.string(), merchantId: z.string(), status: z.enum(orderStatuses), createdAt: z.string(), deliveredAt: optional(z.string()) }),
);

/** The order item (entity `order`). */
export const orderRecord = z.lazy(() =>
  z.object({
    orderId: z.string(),
    merchantId: z.string(),
    shard: z.number().check(z.int()),
    status: z.enum(orderStatuses),
    createdAt: z.string(),
    updatedAt: z.string(),
    paymentIntentId: z.string(),
    paidAmount: z.number().check(z.int()),
    refundedAmount: z.number().check(z.int()),
    document: placedOrderSchema,
    refunds: optional(z.array(legacyRefund)),
    paymentError: optional(z.object({ code: z.string(), message: z.string() })),
    paidAt: optional(z.string()),
    cancelledAt: optional(z.string()),
    shipments: optional(z.array(legacyShipment)),
    shippedAt: optional(z.string()),
    deliveredAt: optional(z.string()),
    version: z.number().check(z.int()),
  }),
);
export type OrderRecord = z.output<typeof orderRecord>;

/** A parcel of the order (entity `orderShipment`, `ORDER#id` / `SHIPMENT#id`). */
export const orderShipmentRecord = z.lazy(() =>
  z.object({
    orderId: z.string(),
    shipmentId: z.string(),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string(),
    statusAt: z.string(),
  }),
);
export type OrderShipmentRecord = z.output<typeof orderShipmentRecord>;

/** A refund of the order (entity `orderRefund`, `ORDER#id` / `REFUND#id`). */
export const orderRefundRecord = z.lazy(() =>
  z.object({
    orderId: z.string(),
    refundId: z.string(),
    amount: money,
    reason: z.string(),
    source: refundSource,
    stripeRefundId: optional(z.string()),
    requestHash: optional(z.string()),
    createdAt: z.string(),
  }),
);
export type OrderRefundRecord = z.output<typeof orderRefundRecord>;

/** An order as stored: its state plus the keys it lives under. */
export interface StoredOrder extends OrderState {
  readonly merchantId: string;
  readonly shard: number;
}

/** A merchant's order list on one shard: gsi1 (every order) or, with a status, gsi2. */
export const merchantOrdersPartition = (merchantId: string, shard: number, status?: OrderStatus): string =>
  status ? `MERCHANT#${merchantId}#${status}#${shard}` : `MERCHANT#${merchantId}#ORDERS#${shard}`;

/** The table key of an order's partition (the order item's `pk`, shared by its parcels and refunds). */
export const orderPartition = (orderId: string): string => `ORDER#${orderId}`;

const byTimeThenId = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The order's state from its items: refunds oldest first (legacy ones once), parcels in booking order. */
export const toOrderState = (item: OrderRecord, parcels: readonly OrderShipmentRecord[] = [], refunds: readonly OrderRefundRecord[] = []): StoredOrder => {
  const stored = refunds.map((r) => ({
    id: r.refundId,
    amount: r.amount,
    reason: r.reason,
    source: r.source,
    stripeRefundId: r.stripeRefundId ?? null,
    createdAt: r.createdAt,
    ...(r.requestHash ? { requestHash: r.requestHash } : {}),
  }));
  const refundIds = new Set(stored.map((r) => r.id));
  return {
    placed: item.document,
    merchantId: item.merchantId,
    shard: item.shard,
    status: item.status,
    version: item.version,
    paidAmount: item.paidAmount,
    refundedAmount: item.refundedAmount,
    refunds: [...(item.refunds ?? []).filter((r) => !refundIds.has(r.id)), ...stored].sort(byTimeThenId),
    paymentError: item.paymentError,
    paidAt: item.paidAt,
    cancelledAt: item.cancelledAt,
    shipments: [
      ...(item.shipments ?? []).filter((legacy) => !parcels.some((p) => p.shipmentId === legacy.id)),
      ...parcels.map((p) => ({ id: p.shipmentId, partnerCode: p.partnerCode, trackingNumber: p.trackingNumber, status: p.status, statusAt: p.statusAt })),
    ],
    shippedAt: item.shippedAt,
    deliveredAt: item.deliveredAt,
    updatedAt: item.updatedAt,
  };
};

/** An order item as read (an index Query's raw item, say), validated. */
export const orderRecordOf = (item: Record<string, unknown>): OrderRecord => parseStored(orderRecord, item, `order item ${String(item.pk)}`);

/**
 * The order with everything under its partition (its parcels and its refunds) in ONE
 * consistent Query; a partition past 1 MB continues on the next page. Items of other kinds
 * under the partition are skipped.
 */
export const getOrder = async (orderId: string): Promise<StoredOrder | undefined> => {
  let order: OrderRecord | undefined;
  const parcels: OrderShipmentRecord[] = [];
  const refunds: OrderRefundRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': orderPartition(orderId) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const where = `${String(item.pk)} ${String(item.sk)}`;
      const entity = item.__edb_e__;
      if (entity === 'order') order = parseStored(orderRecord, item, `order item ${where}`);
      else if (entity === 'orderShipment') parcels.push(parseStored(orderShipmentRecord, item, `parcel item ${where}`));
      else if (entity === 'orderRefund') refunds.push(parseStored(orderRefundRecord, item, `refund item ${where}`));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return order ? toOrderState(order, parcels, refunds) : undefined;
};

/** Per-shard positions of a merchant's order list: a key to continue after, null = from the top, 'done'. */
export type ShardPositions = Array<Record<string, unknown> | null | 'done'>;

/**
 * A merchant's orders newest first: queries every shard in parallel (one round trip of
 * latency), merges by (createdAt, orderId) and returns where each shard stands.
 */
export const listOrders = async (
  merchantId: string,
  options: { status?: OrderStatus | undefined; limit: number; positions: ShardPositions | null },
): Promise<{ orders: StoredOrder[]; positions: ShardPositions | null }> => {
  const positions: ShardPositions = options.positions ?? Array.from({ length: orderShards }, () => null);
  const indexFields = options.status ? (['gsi2pk', 'gsi2sk'] as const) : (['gsi1pk', 'gsi1sk'] as const);
  const pages = await Promise.all(
    positions.map(async (position, shard) => {
      if (position === 'done') return { shard, items: [] as Array<Record<string, unknown>>, exhausted: true };
      const result = await documentClient.send(
        new QueryCommand({
          TableName: config.tableName(),
          IndexName: options.status ? 'gsi2' : 'gsi1',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': indexFields[0] },
          ExpressionAttributeValues: { ':pk': merchantOrdersPartition(merchantId, shard, options.status) },
          ScanIndexForward: false,
          Limit: options.limit,
          ...(position ? { ExclusiveStartKey: position } : {}),
        }),
      );
      return { shard, items: result.Items ?? [], exhausted: !result.LastEvaluatedKey };
    }),
  );
  const sortKey = (item: Record<string, unknown>): string => String(item[indexFields[1]]);
  const merged = pages
    .flatMap((page) => page.items.map((item) => ({ shard: page.shard, item })))
    .sort((a, b) => (sortKey(a.item) < sortKey(b.item) ? 1 : sortKey(a.item) > sortKey(b.item) ? -1 : 0))
    .slice(0, options.limit);
  const next: ShardPositions = pages.map((page) => {
    const taken = merged.filter((m) => m.shard === page.shard);
    const last = taken.at(-1)?.item;
    if (page.exhausted && taken.length === page.items.length) return 'done';
    if (!last) return positions[page.shard] ?? null;
    return { pk: last.pk, sk: last.sk, [indexFields[0]]: last[indexFields[0]], [indexFields[1]]: last[indexFields[1]] };
  });
  const orders = merged.map(({ item }) => toOrderState(orderRecordOf(item)));
  return { orders, positions: next.every((p) => p === 'done') ? null : next };
};
