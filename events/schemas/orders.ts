import * as z from 'zod';
import { eventDetail } from '../envelope.js';

const money = z.object({ amount: z.number().int(), currency: z.enum(['CNY', 'USD', 'HKD', 'MOP']) });
const market = z.enum(['US', 'HK', 'MO']);

/** A pilot merchant was enrolled. No contact details (PII stays in the table). */
export const MerchantEnrolledV1 = eventDetail(
  1,
  z.object({ merchantId: z.string().startsWith('mer_'), name: z.string(), markets: z.array(market).min(1), enrolledAt: z.iso.datetime() }),
);

/** An order was placed and awaits payment. Carries what commissions and reporting need, no buyer data. */
export const OrderPlacedV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
    market,
    total: money,
    settlementMerchandise: money,
    itemCount: z.number().int().positive(),
    attribution: z.object({ creatorId: z.string(), postId: z.string().optional() }).nullable(),
    paymentIntentId: z.string(),
    placedAt: z.iso.datetime(),
    /** Added in place (optional, not breaking): the merchant's take rate the order was placed under. */
    takeRateBps: z.number().int().min(0).max(10_000).optional(),
  }),
);

export const OrderPaidV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
    amount: money,
    paymentIntentId: z.string(),
    paidAt: z.iso.datetime(),
  }),
);

export const OrderPaymentFailedV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
    paymentIntentId: z.string(),
    reason: z.string(),
    failedAt: z.iso.datetime(),
  }),
);

export const OrderCancelledV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
    previousStatus: z.enum(['pending_payment', 'paid']),
    refunded: money.nullable(),
    cancelledAt: z.iso.datetime(),
  }),
);

/** Money went back to the buyer: `amount` this time, `refundedTotal` so far, of `paidTotal`. */
export const OrderRefundedV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
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
