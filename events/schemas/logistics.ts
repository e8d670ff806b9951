import * as z from 'zod/mini';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

const flight = z.object({ number: z.string(), origin: z.string(), destination: z.string() });
const money = z.object({ amount: z.number().check(z.int()), currency: z.enum(['CNY', 'USD', 'HKD', 'MOP']) });

export const LogisticsPartnerRegisteredV1 = () => eventDetail(
  1,
  z.object({ partnerCode: z.string(), name: z.string(), registeredAt: z.iso.datetime() }),
);

/** Which parcel an event is about. */
const parcel = z.object({
  shipmentId: z.string().check(z.startsWith('shp_')),
  orderId: z.string().check(z.startsWith('ord_')),
  merchantId: z.string().check(z.startsWith('mer_')),
  partnerCode: z.string(),
  trackingNumber: z.string(),
});

export const ShipmentBookedV1 = () => eventDetail(1, z.extend(parcel, { bookedAt: z.iso.datetime() }));

/** A shipment's status really changed (never emitted for duplicates or late events that change nothing). */
export const ShipmentStatusChangedV1 = () => eventDetail(
  1,
  z.extend(parcel, {
    previousStatus: z.string(),
    status: z.string(),
    terminal: z.boolean(),
    statusAt: z.iso.datetime(),
    currentFlight: z.nullable(flight),
  }),
);

export const ShipmentStalledV1 = () => eventDetail(
  1,
  z.object({
    shipmentId: z.string().check(z.startsWith('shp_')),
    orderId: z.string().check(z.startsWith('ord_')),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string(),
    lastActivityAt: z.iso.datetime(),
    detectedAt: z.iso.datetime(),
  }),
);

export const OrderShippedV1 = () => eventDetail(
  1,
  z.object({ orderId: z.string().check(z.startsWith('ord_')), merchantId: z.string().check(z.startsWith('mer_')), shippedAt: z.iso.datetime() }),
);

/** Delivered: carries what commission accrual needs (placement time, attribution, settlement merchandise). */
export const OrderDeliveredV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    placedAt: z.iso.datetime(),
    deliveredAt: z.iso.datetime(),
    settlementMerchandise: money,
    attribution: z.nullable(z.object({ creatorId: z.string(), postId: z.optional(z.string()) })),
    /** Added in place (optional, not breaking): the merchant's take rate the order was placed under. */
    takeRateBps: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10_000))),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const LogisticsPartnerRegistered = defineEvent('LogisticsPartnerRegistered', {
  source: eventSources.platform,
  version: 1,
  schema: LogisticsPartnerRegisteredV1,
  description: 'An operator registered a logistics partner (its secret is never in the event).',
});

export const ShipmentBooked = defineEvent('ShipmentBooked', {
  source: eventSources.logistics,
  version: 1,
  schema: ShipmentBookedV1,
  description: 'A merchant booked a parcel of an order with a logistics partner.',
});

export const ShipmentStatusChanged = defineEvent('ShipmentStatusChanged', {
  source: eventSources.logistics,
  version: 1,
  schema: ShipmentStatusChangedV1,
  description: "A shipment's status changed (partner milestones, ordered by occurredAt).",
});

export const ShipmentStalled = defineEvent('ShipmentStalled', {
  source: eventSources.logistics,
  version: 1,
  schema: ShipmentStalledV1,
  description: 'A non-terminal shipment had no event for 72 hours (once per stall).',
});

export const OrderShipped = defineEvent('OrderShipped', {
  source: eventSources.orders,
  version: 1,
  schema: OrderShippedV1,
  description: 'The first parcel of the order was picked up (or got any later milestone).',
});

export const OrderDelivered = defineEvent('OrderDelivered', {
  source: eventSources.orders,
  version: 1,
  schema: OrderDeliveredV1,
  description: 'Every parcel of the order was delivered.',
});
