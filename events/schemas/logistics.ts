import * as z from 'zod';
import { eventDetail } from '../envelope.js';

const flight = z.object({ number: z.string(), origin: z.string(), destination: z.string() });
const money = z.object({ amount: z.number().int(), currency: z.enum(['CNY', 'USD', 'HKD', 'MOP']) });

export const LogisticsPartnerRegisteredV1 = eventDetail(
  1,
  z.object({ partnerCode: z.string(), name: z.string(), registeredAt: z.iso.datetime() }),
);

/** Which parcel an event is about. */
const parcel = z.object({
  shipmentId: z.string().startsWith('shp_'),
  orderId: z.string().startsWith('ord_'),
  merchantId: z.string().startsWith('mer_'),
  partnerCode: z.string(),
  trackingNumber: z.string(),
});

export const ShipmentBookedV1 = eventDetail(1, parcel.extend({ bookedAt: z.iso.datetime() }));

/** A shipment's status really changed (never emitted for duplicates or late events that change nothing). */
export const ShipmentStatusChangedV1 = eventDetail(
  1,
  parcel.extend({
    previousStatus: z.string(),
    status: z.string(),
    terminal: z.boolean(),
    statusAt: z.iso.datetime(),
    currentFlight: flight.nullable(),
  }),
);

export const ShipmentStalledV1 = eventDetail(
  1,
  z.object({
    shipmentId: z.string().startsWith('shp_'),
    orderId: z.string().startsWith('ord_'),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string(),
    lastActivityAt: z.iso.datetime(),
    detectedAt: z.iso.datetime(),
  }),
);

export const OrderShippedV1 = eventDetail(
  1,
  z.object({ orderId: z.string().startsWith('ord_'), merchantId: z.string().startsWith('mer_'), shippedAt: z.iso.datetime() }),
);

/** Delivered: carries what commission accrual needs (placement time, attribution, settlement merchandise). */
export const OrderDeliveredV1 = eventDetail(
  1,
  z.object({
    orderId: z.string().startsWith('ord_'),
    merchantId: z.string().startsWith('mer_'),
    placedAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime(),
    settlementMerchandise: money,
    attribution: z.object({ creatorId: z.string(), postId: z.string().optional() }).nullable(),
    /** Added in place (optional, not breaking): the merchant's take rate the order was placed under. */
    takeRateBps: z.number().int().min(0).max(10_000).optional(),
  }),
);
