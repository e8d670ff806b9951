/**
 * Merchant commerce entities on the single table (ElectroDB). Key layout and access
 * patterns are listed in the README. Nested order data is kept as one `document`
 * map, validated by the order module's zod schema when read back.
 */
import { Entity, type EntityItem } from 'electrodb';

const service = 'xborder';

export const merchantEntity = new Entity({
  model: { entity: 'merchant', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    uscc: { type: 'string', required: true },
    contactEmail: { type: 'string', required: true },
    markets: { type: 'set', items: ['US', 'HK', 'MO'] as const, required: true },
    status: { type: ['active', 'suspended'] as const, required: true },
    createdAt: { type: 'string', required: true },
    /** The platform's take on merchandise, in basis points (absent: defaultTakeRateBps). Orders snapshot it. */
    takeRateBps: { type: 'number' },
    updatedAt: { type: 'string' },
    /** Optimistic lock for operator changes (absent on merchants never changed: 0). */
    version: { type: 'number' },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'MERCHANT#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'MERCHANT', casing: 'none' },
    },
    /** Operators list merchants, newest first (one partition: enrolments are rare). */
    list: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'MERCHANTS', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'merchantId'], template: '${createdAt}#${merchantId}', casing: 'none' },
    },
  },
});
export type MerchantItem = EntityItem<typeof merchantEntity>;

/** One merchant per legal entity: enrolment claims the USCC in the same transaction. */
export const usccClaimEntity = new Entity({
  model: { entity: 'usccClaim', version: '1', service },
  attributes: {
    uscc: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
  },
  indexes: {
    byUscc: {
      pk: { field: 'pk', composite: ['uscc'], template: 'USCC#${uscc}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'USCC', casing: 'none' },
    },
  },
});

/** Catalogue: a merchant's products live in the merchant's partition, by SKU. */
export const productEntity = new Entity({
  model: { entity: 'product', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    sku: { type: 'string', required: true },
    /** `{ en, zh? }`, replaced whole on PUT. */
    title: { type: 'any', required: true },
    brand: { type: 'string', required: true },
    hsCode: { type: 'string', required: true },
    originCountry: { type: 'string', required: true },
    priceFen: { type: 'number', required: true },
    weightGrams: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    bySku: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'MERCHANT#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: ['sku'], template: 'PRODUCT#${sku}', casing: 'none' },
    },
  },
});
export type ProductItem = EntityItem<typeof productEntity>;

/**
 * Orders. The merchant's order list is spread over `shard` (0..orderShards-1) so a busy
 * merchant's writes do not all land on one index partition key; lists query the shards
 * in parallel and merge newest first.
 */
export const orderEntity = new Entity({
  model: { entity: 'order', version: '1', service },
  attributes: {
    orderId: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
    shard: { type: 'number', required: true },
    status: { type: ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const, required: true },
    createdAt: { type: 'string', required: true },
    updatedAt: { type: 'string', required: true },
    paymentIntentId: { type: 'string', required: true },
    paidAmount: { type: 'number', required: true },
    refundedAmount: { type: 'number', required: true },
    /** The order as placed (buyer, lines, totals, settlement, customs, payment): never changes. */
    document: { type: 'any', required: true },
    /**
     * Legacy: refunds recorded before they became `orderRefund` items under the order's
     * partition (read and merged, never written again).
     */
    refunds: { type: 'any' },
    paymentError: { type: 'any' },
    paidAt: { type: 'string' },
    cancelledAt: { type: 'string' },
    /** The order's parcels: `[{ id, partnerCode, trackingNumber, status, statusAt }]`. */
    shipments: { type: 'any' },
    shippedAt: { type: 'string' },
    deliveredAt: { type: 'string' },
    version: { type: 'number', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['orderId'], template: 'ORDER#${orderId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'ORDER', casing: 'none' },
    },
    byMerchant: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['merchantId', 'shard'], template: 'MERCHANT#${merchantId}#ORDERS#${shard}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'orderId'], template: '${createdAt}#${orderId}', casing: 'none' },
    },
    byMerchantStatus: {
      index: 'gsi2',
      pk: { field: 'gsi2pk', composite: ['merchantId', 'status', 'shard'], template: 'MERCHANT#${merchantId}#${status}#${shard}', casing: 'none' },
      sk: { field: 'gsi2sk', composite: ['createdAt', 'orderId'], template: '${createdAt}#${orderId}', casing: 'none' },
    },
    byPaymentIntent: {
      index: 'gsi3',
      pk: { field: 'gsi3pk', composite: ['paymentIntentId'], template: 'PI#${paymentIntentId}', casing: 'none' },
      sk: { field: 'gsi3sk', composite: [], template: 'ORDER', casing: 'none' },
    },
  },
});
export type OrderItem = EntityItem<typeof orderEntity>;

/** `Idempotency-Key` records: the request's hash and the answer to replay; expire after 48 hours. */
export const idempotencyEntity = new Entity({
  model: { entity: 'idempotency', version: '1', service },
  attributes: {
    scope: { type: 'string', required: true },
    keyHash: { type: 'string', required: true },
    requestHash: { type: 'string', required: true },
    status: { type: ['completed'] as const, required: true },
    responseStatus: { type: 'number', required: true },
    responseBody: { type: 'string', required: true },
    createdAt: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byKey: {
      pk: { field: 'pk', composite: ['scope', 'keyHash'], template: 'IDEMPOTENCY#${scope}#${keyHash}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'IDEMPOTENCY', casing: 'none' },
    },
  },
});
export type IdempotencyItem = EntityItem<typeof idempotencyEntity>;

/** Stripe webhook events already applied (by `evt_` id); written with the change they caused. */
export const stripeEventEntity = new Entity({
  model: { entity: 'stripeEvent', version: '1', service },
  attributes: {
    eventId: { type: 'string', required: true },
    type: { type: 'string', required: true },
    receivedAt: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['eventId'], template: 'STRIPEEVENT#${eventId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'STRIPEEVENT', casing: 'none' },
    },
  },
});

/**
 * A parcel of an order as the order knows it, under the order's partition (so an order's
 * parcel list never grows its item): one Query on `ORDER#id` reads the order and its parcels.
 */
export const orderShipmentEntity = new Entity({
  model: { entity: 'orderShipment', version: '1', service },
  attributes: {
    orderId: { type: 'string', required: true },
    shipmentId: { type: 'string', required: true },
    partnerCode: { type: 'string', required: true },
    trackingNumber: { type: 'string', required: true },
    status: { type: 'string', required: true },
    /** When that status happened ('' before any carrier event). */
    statusAt: { type: 'string', required: true },
  },
  indexes: {
    byOrder: {
      pk: { field: 'pk', composite: ['orderId'], template: 'ORDER#${orderId}', casing: 'none' },
      // Shipment ids are ULIDs: the parcels come back in booking order.
      sk: { field: 'sk', composite: ['shipmentId'], template: 'SHIPMENT#${shipmentId}', casing: 'none' },
    },
  },
});
export type OrderShipmentItem = EntityItem<typeof orderShipmentEntity>;

/**
 * One refund of an order, under the order's partition (`ORDER#id` / `REFUND#refundId`), so
 * no order outgrows an item however often it is refunded; GET order reads the order and
 * its refunds with one Query. Created only if absent: each refund is recorded once,
 * whichever of the API and Stripe's webhook gets there first. `requestHash` is the
 * fingerprint of the `Idempotency-Key` request that made it (replay vs reuse).
 */
export const orderRefundEntity = new Entity({
  model: { entity: 'orderRefund', version: '1', service },
  attributes: {
    orderId: { type: 'string', required: true },
    refundId: { type: 'string', required: true },
    /** Money in the order currency. */
    amount: { type: 'any', required: true },
    reason: { type: 'string', required: true },
    source: { type: ['api', 'cancel', 'stripe'] as const, required: true },
    stripeRefundId: { type: 'string' },
    requestHash: { type: 'string' },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byOrder: {
      pk: { field: 'pk', composite: ['orderId'], template: 'ORDER#${orderId}', casing: 'none' },
      sk: { field: 'sk', composite: ['refundId'], template: 'REFUND#${refundId}', casing: 'none' },
    },
  },
});
export type OrderRefundItem = EntityItem<typeof orderRefundEntity>;
