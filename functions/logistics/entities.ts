/**
 * Logistics entities on the single table (ElectroDB). Key layout and access patterns
 * are listed in the README. Logistics' handlers do not use them: logistics-items.ts writes and
 * reads these layouts with the document client, and test/unit/logistics/plain-writes.test.ts
 * holds it to them.
 */
import { Entity, type EntityItem } from 'electrodb';

const service = 'xborder';

/** A logistics partner; its webhook secrets are stored sealed (AES-256-GCM), never in clear. */
export const partnerEntity = new Entity({
  model: { entity: 'partner', version: '1', service },
  attributes: {
    code: { type: 'string', required: true },
    name: { type: 'string', required: true },
    /** `[{ id, sealed, createdAt, expiresAt? }]`: one, or two during a rollover. */
    secrets: { type: 'any', required: true },
    createdAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byCode: {
      pk: { field: 'pk', composite: ['code'], template: 'PARTNER#${code}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'PARTNER', casing: 'none' },
    },
    /** Operators list partners by code (one partition: a handful of partners). */
    list: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'PARTNERS', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['code'], template: '${code}', casing: 'none' },
    },
  },
});
export type PartnerItem = EntityItem<typeof partnerEntity>;

/**
 * A parcel's head item: status and summary only. Its timeline events are items of their own
 * under the same partition (`shipmentEvent`), so no parcel can outgrow DynamoDB's 400 KB
 * item limit. Public tracking finds it by tracking number (gsi1); non-terminal shipments sit
 * in a sparse index by when they last had an event (gsi2), which the stall detector queries
 * instead of scanning.
 */
export const shipmentEntity = new Entity({
  model: { entity: 'shipment', version: '1', service },
  attributes: {
    shipmentId: { type: 'string', required: true },
    orderId: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
    partnerCode: { type: 'string', required: true },
    trackingNumber: { type: 'string', required: true },
    status: { type: 'string', required: true },
    /** Legacy (version-1 items written before the timeline moved to `shipmentEvent` items): never written now. */
    timeline: { type: 'any' },
    /** `occurredAt` and `eventId` of the event the status comes from ('' before any event). */
    statusAt: { type: 'string' },
    statusEventId: { type: 'string' },
    currentFlight: { type: 'any' },
    /** `${occurredAt}#${eventId}` of the event `currentFlight` comes from. */
    flightKey: { type: 'string' },
    /** Latest `occurredAt` of any event. */
    lastEventAt: { type: 'string' },
    /** The last eventIds applied (bounded ring): the cheap first dedupe; the conditional put of the event item is the exact one. */
    recentEventIds: { type: 'any' },
    bookedAt: { type: 'string', required: true },
    /** When the last event happened, or the booking time before any event. */
    lastActivityAt: { type: 'string', required: true },
    terminal: { type: 'boolean', required: true },
    bucket: { type: 'number', required: true },
    /** The `lastActivityAt` a stall was reported for (one ShipmentStalled per stall). */
    stalledAt: { type: 'string' },
    version: { type: 'number', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['shipmentId'], template: 'SHIPMENT#${shipmentId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'SHIPMENT', casing: 'none' },
    },
    byTrackingNumber: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['trackingNumber'], template: 'TN#${trackingNumber}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['bookedAt', 'shipmentId'], template: '${bookedAt}#${shipmentId}', casing: 'none' },
    },
    active: {
      index: 'gsi2',
      condition: (attributes) => attributes.terminal === false,
      pk: { field: 'gsi2pk', composite: ['bucket'], template: 'ACTIVESHIPMENTS#${bucket}', casing: 'none' },
      sk: { field: 'gsi2sk', composite: ['lastActivityAt', 'shipmentId'], template: '${lastActivityAt}#${shipmentId}', casing: 'none' },
    },
  },
});
export type ShipmentItem = EntityItem<typeof shipmentEntity>;

/**
 * One event of a parcel's timeline, under the shipment's partition. Written with a
 * conditional put (`create`): an eventId the parcel already has is a duplicate.
 */
export const shipmentEventEntity = new Entity({
  model: { entity: 'shipmentEvent', version: '1', service },
  attributes: {
    shipmentId: { type: 'string', required: true },
    eventId: { type: 'string', required: true },
    status: { type: 'string', required: true },
    occurredAt: { type: 'string', required: true },
    location: { type: 'any' },
    flight: { type: 'any' },
    description: { type: 'string' },
    receivedAt: { type: 'string', required: true },
  },
  indexes: {
    byShipment: {
      pk: { field: 'pk', composite: ['shipmentId'], template: 'SHIPMENT#${shipmentId}', casing: 'none' },
      sk: { field: 'sk', composite: ['eventId'], template: 'EVENT#${eventId}', casing: 'none' },
    },
  },
});
export type ShipmentEventItem = EntityItem<typeof shipmentEventEntity>;

/** Which shipment a partner's tracking number names now (numbers are recycled once a parcel is done). */
export const trackingClaimEntity = new Entity({
  model: { entity: 'trackingClaim', version: '1', service },
  attributes: {
    partnerCode: { type: 'string', required: true },
    trackingNumber: { type: 'string', required: true },
    shipmentId: { type: 'string', required: true },
    orderId: { type: 'string', required: true },
    active: { type: 'boolean', required: true },
  },
  indexes: {
    byNumber: {
      pk: { field: 'pk', composite: ['partnerCode', 'trackingNumber'], template: 'TRACKING#${partnerCode}#${trackingNumber}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'CLAIM', casing: 'none' },
    },
  },
});
export type TrackingClaimItem = EntityItem<typeof trackingClaimEntity>;

/** An accepted delivery's `webhook-id`, kept for the signature tolerance window with the answer given. */
export const webhookDeliveryEntity = new Entity({
  model: { entity: 'webhookDelivery', version: '1', service },
  attributes: {
    partnerCode: { type: 'string', required: true },
    messageId: { type: 'string', required: true },
    response: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byMessage: {
      pk: { field: 'pk', composite: ['partnerCode', 'messageId'], template: 'WEBHOOK#${partnerCode}#${messageId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'DELIVERY', casing: 'none' },
    },
  },
});

/** Events for tracking numbers no booked shipment has: kept for inspection, listed per partner. */
export const unknownTrackingEntity = new Entity({
  model: { entity: 'unknownTracking', version: '1', service },
  attributes: {
    partnerCode: { type: 'string', required: true },
    trackingNumber: { type: 'string', required: true },
    eventId: { type: 'string', required: true },
    event: { type: 'any', required: true },
    receivedAt: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byEvent: {
      pk: { field: 'pk', composite: ['partnerCode', 'trackingNumber'], template: 'UNKNOWNTRACKING#${partnerCode}#${trackingNumber}', casing: 'none' },
      sk: { field: 'sk', composite: ['eventId'], template: 'EVENT#${eventId}', casing: 'none' },
    },
    byPartner: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['partnerCode'], template: 'UNKNOWN#${partnerCode}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['receivedAt', 'trackingNumber', 'eventId'], template: '${receivedAt}#${trackingNumber}#${eventId}', casing: 'none' },
    },
  },
});
