import * as z from 'zod/mini';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

const money = z.object({ amount: z.number().check(z.int()), currency: z.enum(['CNY', 'USD', 'HKD', 'MOP']) });
const market = z.enum(['US', 'HK', 'MO']);

/** A pilot merchant was enrolled. No contact details (PII stays in the table). */
export const MerchantEnrolledV1 = () => eventDetail(
  1,
  z.object({ merchantId: z.string().check(z.startsWith('mer_')), name: z.string(), markets: z.array(market).check(z.minLength(1)), enrolledAt: z.iso.datetime() }),
);

/** An operator changed a merchant's take rate: orders placed from `changedAt` on snapshot the new one. */
export const MerchantTakeRateChangedV1 = () => eventDetail(
  1,
  z.object({
    merchantId: z.string().check(z.startsWith('mer_')),
    previousTakeRateBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    takeRateBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    changedAt: z.iso.datetime(),
  }),
);

/** An order was placed and awaits payment. Carries what commissions and reporting need, no buyer data. */
export const OrderPlacedV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    market,
    total: money,
    settlementMerchandise: money,
    itemCount: z.number().check(z.int(), z.positive()),
    attribution: z.nullable(z.object({ creatorId: z.string(), postId: z.optional(z.string()) })),
    paymentIntentId: z.string(),
    placedAt: z.iso.datetime(),
    /** Added in place (optional, not breaking): the merchant's take rate the order was placed under. */
    takeRateBps: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10_000))),
  }),
);

export const OrderPaidV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    amount: money,
    paymentIntentId: z.string(),
    paidAt: z.iso.datetime(),
  }),
);

export const OrderPaymentFailedV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    paymentIntentId: z.string(),
    reason: z.string(),
    failedAt: z.iso.datetime(),
  }),
);

export const OrderCancelledV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    previousStatus: z.enum(['pending_payment', 'paid']),
    refunded: z.nullable(money),
    cancelledAt: z.iso.datetime(),
  }),
);

/** Money went back to the buyer: `amount` this time, `refundedTotal` so far, of `paidTotal`. */
export const OrderRefundedV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    refundId: z.string(),
    amount: money,
    refundedTotal: money,
    paidTotal: money,
    settlementMerchandise: money,
    fullyRefunded: z.boolean(),
    source: z.enum(['api', 'cancel', 'stripe']),
    refundedAt: z.iso.datetime(),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const MerchantEnrolled = defineEvent('MerchantEnrolled', {
  source: eventSources.platform,
  version: 1,
  schema: MerchantEnrolledV1,
  description: 'An operator enrolled a merchant in the export pilot.',
});

export const MerchantTakeRateChanged = defineEvent('MerchantTakeRateChanged', {
  source: eventSources.platform,
  version: 1,
  schema: MerchantTakeRateChangedV1,
  description: "An operator changed a merchant's take rate for orders placed from now on (audit trail).",
});

export const OrderPlaced = defineEvent('OrderPlaced', {
  source: eventSources.orders,
  version: 1,
  schema: OrderPlacedV1,
  description: 'A merchant placed an order; its PaymentIntent awaits payment.',
});

export const OrderPaid = defineEvent('OrderPaid', {
  source: eventSources.payments,
  version: 1,
  schema: OrderPaidV1,
  description: 'Stripe confirmed payment of the order total.',
});

export const OrderPaymentFailed = defineEvent('OrderPaymentFailed', {
  source: eventSources.payments,
  version: 1,
  schema: OrderPaymentFailedV1,
  description: 'A payment attempt for the order failed; the order still awaits payment.',
});

export const OrderCancelled = defineEvent('OrderCancelled', {
  source: eventSources.orders,
  version: 1,
  schema: OrderCancelledV1,
  description: 'The order was cancelled (refunded in full if it had been paid).',
});

export const OrderRefunded = defineEvent('OrderRefunded', {
  source: eventSources.payments,
  version: 1,
  schema: OrderRefundedV1,
  description: 'Money was returned to the buyer, in part or in full.',
});
