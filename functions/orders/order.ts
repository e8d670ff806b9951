/**
 * Orders: the placed order, its answer shape and the rules of the order lifecycle. Pure.
 * pending_payment -> paid -> shipped -> delivered; cancelled; refunded (fully).
 * Every bundle that reads an order carries this module: the request bodies are built where
 * they are parsed (order-requests.ts, create-refund.ts), not here.
 */
import * as z from 'zod/mini';
import { bucketOf } from '../shared/buckets.js';
import { derivedToken } from '../shared/idempotency.js';
import { currencySchema, moneySchema, type Currency, type Money } from '../shared/money.js';

import { markets, type Market } from './markets.js';

export { markets, marketCurrency, type Market } from './markets.js';
export const orderStatuses = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Text a merchant or buyer typed: trimmed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * The buyer as an order request names it and the placed order keeps it. A function, not a
 * schema: the request body (order-requests.ts) builds one at import and the stored order's
 * schema its own when an order is first read, so a bundle that only reads orders builds none
 * at import.
 */
export const buyerSchema = () =>
  z.strictObject({
    name: text(200),
    email: z.email(),
    phone: z.optional(z.string().check(z.regex(/^\+?[0-9 ()-]{5,30}$/, 'phone: digits, spaces, +, (), -'))),
    address: z.strictObject({
      line1: text(200),
      line2: z.optional(text(200)),
      city: text(100),
      region: z.optional(text(100)),
      postalCode: z.optional(text(20)),
      country: z.enum(markets),
    }),
  });
export type Buyer = z.output<ReturnType<typeof buyerSchema>>;


export interface OrderLine {
  readonly sku: string;
  readonly title: { readonly en: string; readonly zh?: string };
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly hsCode: string;
  readonly originCountry: string;
  readonly weightGrams: number;
}

/** What an order is when placed. Stored as is and never changed afterwards. */
export interface PlacedOrder {
  readonly id: string;
  readonly merchantId: string;
  readonly market: Market;
  readonly currency: Currency;
  readonly buyer: Buyer;
  readonly items: readonly OrderLine[];
  readonly totals: { readonly merchandise: Money; readonly shipping: Money; readonly duties: Money; readonly total: Money };
  readonly settlement: { readonly merchandise: Money; readonly shipping: Money; readonly fxRate: string };
  readonly customs: {
    readonly exportMode: '9610';
    readonly chargeableWeightGrams: number;
    readonly items: ReadonlyArray<{ sku: string; hsCode: string; originCountry: string; quantity: number; declaredValue: Money; dutyRateBps: number }>;
  };
  readonly payment: { readonly provider: 'stripe'; readonly paymentIntentId: string; readonly clientSecret: string };
  readonly attribution?: { readonly creatorId: string; readonly postId?: string };
  readonly createdAt: string;
  /** The merchant's take rate when the order was placed (absent on orders placed before take rates: the default). */
  readonly takeRateBps?: number;
}

/** The order as placed (`document` on the order item), validated where it is read. */
export const placedOrderSchema: z.ZodMiniType<PlacedOrder> = z.lazy(() => {
  const money = moneySchema();
  return z.object({
    id: z.string(),
    merchantId: z.string(),
    market: z.enum(markets),
    currency: currencySchema,
    buyer: buyerSchema(),
    items: z.array(
      z.object({
        sku: z.string(),
        title: z.object({ en: z.string(), zh: z.optional(z.string()) }),
        quantity: z.number().check(z.int()),
        unitPrice: money,
        hsCode: z.string(),
        originCountry: z.string(),
        weightGrams: z.number(),
      }),
    ),
    totals: z.object({ merchandise: money, shipping: money, duties: money, total: money }),
    settlement: z.object({ merchandise: money, shipping: money, fxRate: z.string() }),
    customs: z.object({
      exportMode: z.literal('9610'),
      chargeableWeightGrams: z.number(),
      items: z.array(
        z.object({ sku: z.string(), hsCode: z.string(), originCountry: z.string(), quantity: z.number(), declaredValue: money, dutyRateBps: z.number() }),
      ),
    }),
    payment: z.object({ provider: z.literal('stripe'), paymentIntentId: z.string(), clientSecret: z.string() }),
    attribution: z.optional(z.object({ creatorId: z.string(), postId: z.optional(z.string()) })),
    createdAt: z.string(),
    takeRateBps: z.optional(z.number().check(z.int())),
  });
});


export interface RefundRecord {
  readonly id: string;
  readonly amount: Money;
  readonly reason: string;
  readonly source: 'api' | 'cancel' | 'stripe';
  readonly stripeRefundId: string | null;
  readonly createdAt: string;
}

/** A refund as stored: the record, plus the fingerprint of the `Idempotency-Key` request that made it. */
export interface StoredRefund extends RefundRecord {
  readonly requestHash?: string | undefined;
}

/** The refund as the API shows it (never the request fingerprint). */
export const refundRecordView = ({ id, amount, reason, source, stripeRefundId, createdAt }: RefundRecord): RefundRecord => ({
  id,
  amount,
  reason,
  source,
  stripeRefundId,
  createdAt,
});

/** A parcel of the order as the order knows it (the shipment itself holds the timeline). */
export interface OrderShipment {
  readonly id: string;
  readonly partnerCode: string;
  readonly trackingNumber: string;
  readonly status: string;
  /** When that status happened (ignores older news arriving late). */
  readonly statusAt: string;
}

/** The order's current state: the placed order plus what happened since. */
export interface OrderState {
  readonly placed: PlacedOrder;
  readonly status: OrderStatus;
  readonly version: number;
  readonly paidAmount: number;
  readonly refundedAmount: number;
  readonly refunds: readonly StoredRefund[];
  readonly paymentError?: { readonly code: string; readonly message: string } | undefined;
  readonly paidAt?: string | undefined;
  readonly cancelledAt?: string | undefined;
  readonly shipments?: readonly OrderShipment[] | undefined;
  readonly shippedAt?: string | undefined;
  readonly deliveredAt?: string | undefined;
  readonly updatedAt: string;
}

/** How many index partitions one merchant's order list is spread over (see README: access patterns). */
export const orderShards = 4;

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The order ID for (merchant, Idempotency-Key): deterministic, so a retry or a concurrent
 * duplicate names the same order, and the Stripe PaymentIntent created with the same
 * idempotency key carries the same metadata.
 */
export const orderIdFor = (merchantId: string, idempotencyKey: string): string => {
  const digest = BigInt(`0x${derivedToken('order', merchantId, idempotencyKey).slice(0, 32)}`);
  let id = '';
  for (let n = digest, i = 0; i < 26; i += 1, n >>= 5n) id = (crockford[Number(n & 31n)] ?? '0') + id;
  return `ord_${id}`;
};

export const shardOf = (orderId: string): number => bucketOf(orderId, orderShards);

export const canCancel = (status: OrderStatus): status is 'pending_payment' | 'paid' => status === 'pending_payment' || status === 'paid';

const refundableStatuses: readonly OrderStatus[] = ['paid', 'shipped', 'delivered'];

/** Parcels can be booked once the order is paid, and more while it ships. */
export const canBookShipment = (status: OrderStatus): boolean => status === 'paid' || status === 'shipped';

/** What may still be refunded, in minor units (0 when the order is not in a refundable state). */
export const refundableAmount = (order: Pick<OrderState, 'status' | 'paidAmount' | 'refundedAmount'>): number =>
  refundableStatuses.includes(order.status) ? Math.max(0, order.paidAmount - order.refundedAmount) : 0;

/** The API's view of an order. */
export const orderView = (order: OrderState) => {
  const { placed } = order;
  return {
    id: placed.id,
    status: order.status,
    market: placed.market,
    currency: placed.currency,
    buyer: placed.buyer,
    items: placed.items,
    totals: placed.totals,
    settlement: placed.settlement,
    customs: placed.customs,
    payment: {
      ...placed.payment,
      paid: { amount: order.paidAmount, currency: placed.currency },
      refunded: { amount: order.refundedAmount, currency: placed.currency },
      ...(order.paymentError ? { lastError: order.paymentError } : {}),
    },
    refunds: order.refunds.map(refundRecordView),
    ...(placed.attribution ? { attribution: placed.attribution } : {}),
    createdAt: placed.createdAt,
    updatedAt: order.updatedAt,
    ...(order.paidAt ? { paidAt: order.paidAt } : {}),
    ...(order.cancelledAt ? { cancelledAt: order.cancelledAt } : {}),
    ...(order.shippedAt ? { shippedAt: order.shippedAt } : {}),
    ...(order.deliveredAt ? { deliveredAt: order.deliveredAt } : {}),
    shipments: (order.shipments ?? []).map(({ id, partnerCode, trackingNumber, status }) => ({ id, partnerCode, trackingNumber, status })),
  };
};
export type OrderView = ReturnType<typeof orderView>;
