/**
 * The logistics context's items as the document client writes and reads them (decision 0046):
 * each builder lays an item out as its entity in entities.ts does (keys, index keys, markers),
 * and each record schema validates what a read returns. test/unit/logistics/plain-writes.test.ts
 * holds every builder and update to its entity.
 */
import * as z from 'zod/mini';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { conditionCheck, putItem, storedItem, type Condition, type Item, type TableKey, type TransactItem } from '../shared/db/write.js';
import { shipmentPartition, trackingNumberPartition } from './shipment-read.js';
import { flight, type TimelineEvent } from './tracking.js';

// ---------------------------------------------------------------------------------------
// Partners (entity `partner`)

/** A partner's webhook secrets as stored: sealed, with an id to retire each by. */
export const storedSecrets = z.lazy(() =>
  z.array(z.object({ id: z.string(), sealed: z.string(), createdAt: z.string() })),
);

export const partnerRecord = z.lazy(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    /** One, or two during a rollover; validated again (naming the partner) where they are used. */
    secrets: storedSecrets,
    createdAt: z.string(),
    version: z.number().check(z.int()),
  }),
);
export type PartnerRecord = z.output<typeof partnerRecord>;

export const partnerKey = (code: string): TableKey => ({ pk: `PARTNER#${code}`, sk: 'PARTNER' });

/** A new partner, listed by code on gsi1 (one partition: a handful of partners). */
export const partnerItem = (p: PartnerRecord): Item => storedItem('partner', { ...p }, { ...partnerKey(p.code), gsi1pk: 'PARTNERS', gsi1sk: p.code });

// ---------------------------------------------------------------------------------------
// Shipments (entity `shipment`: a parcel's head) and their events (entity `shipmentEvent`)

/** Buckets of the active-shipments index, so the stall detector's index has no single hot key. */
export const activeShipmentBuckets = 8;

/** A bucket's partition of the sparse index of shipments not yet delivered or returned (gsi2). */
export const activeShipmentsPartition = (bucket: number): string => `ACTIVESHIPMENTS#${bucket}`;

export const shipmentKey = (shipmentId: string): TableKey => ({ pk: shipmentPartition(shipmentId), sk: 'SHIPMENT' });

/** A parcel's head as intake, booking and the stall detector read and write it. */
export const shipmentRecord = z.lazy(() =>
  z.object({
    shipmentId: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string(),
    /** `occurredAt` and `eventId` of the event the status comes from ('' before any event). */
    statusAt: optional(z.string()),
    statusEventId: optional(z.string()),
    currentFlight: optional(flight),
    /** `${occurredAt}#${eventId}` of the event `currentFlight` comes from. */
    flightKey: optional(z.string()),
    /** Latest `occurredAt` of any event. */
    lastEventAt: optional(z.string()),
    /** The last eventIds applied (bounded ring). */
    recentEventIds: optional(z.array(z.string())),
    bookedAt: z.string(),
    /** When the last event happened, or the booking time before any event. */
    lastActivityAt: z.string(),
    terminal: z.boolean(),
    bucket: z.number().check(z.int()),
    /** The `lastActivityAt` a stall was reported for (one ShipmentStalled per stall). */
    stalledAt: optional(z.string()),
    version: z.number().check(z.int()),
  }),
);
export type ShipmentRecord = z.output<typeof shipmentRecord>;
/** A shipment as written: what it has from booking, and whatever events gave it since (optional). */
type Gathered = 'statusAt' | 'statusEventId' | 'currentFlight' | 'flightKey' | 'lastEventAt' | 'recentEventIds' | 'stalledAt';
export type ShipmentFields = Omit<ShipmentRecord, Gathered> & Partial<Pick<ShipmentRecord, Gathered>>;

/**
 * The active index's keys (gsi2): only while the shipment is not terminal (the entity's index
 * condition). An update that sets `terminal` writes these when false and removes them when true.
 */
export const activeIndexKeys = (s: Pick<ShipmentRecord, 'shipmentId' | 'terminal' | 'bucket' | 'lastActivityAt'>): Record<string, string> =>
  s.terminal ? {} : { gsi2pk: activeShipmentsPartition(s.bucket), gsi2sk: `${s.lastActivityAt}#${s.shipmentId}` };
export const activeIndexKeyNames = ['gsi2pk', 'gsi2sk'] as const;

/** A new shipment head: by id, by tracking number (gsi1), and in the active index while not terminal. */
export const shipmentItem = (s: ShipmentFields): Item =>
  storedItem(
    'shipment',
    { ...s },
    { ...shipmentKey(s.shipmentId), gsi1pk: trackingNumberPartition(s.trackingNumber), gsi1sk: `${s.bookedAt}#${s.shipmentId}`, ...activeIndexKeys(s) },
  );

/** A check, in a transaction, that a parcel is done (delivered or returned): its number may then be booked again. */
export const shipmentDoneCheck = (shipmentId: string): TransactItem =>
  conditionCheck(shipmentKey(shipmentId), { expression: '#terminal = :terminal', names: { '#terminal': 'terminal' }, values: { ':terminal': true } });

/** A timeline event under its parcel's partition, created only if absent (an eventId the parcel has is a duplicate). */
export const shipmentEventItem = (shipmentId: string, event: TimelineEvent, receivedAt: string): Item =>
  storedItem(
    'shipmentEvent',
    {
      shipmentId,
      eventId: event.eventId,
      status: event.status,
      occurredAt: event.occurredAt,
      location: event.location,
      flight: event.flight,
      description: event.description,
      receivedAt,
    },
    { pk: shipmentPartition(shipmentId), sk: `EVENT#${event.eventId}` },
  );

// ---------------------------------------------------------------------------------------
// Tracking-number claims (entity `trackingClaim`)

export const trackingClaimRecord = z.lazy(() =>
  z.object({
    partnerCode: z.string(),
    trackingNumber: z.string(),
    shipmentId: z.string(),
    orderId: z.string(),
    active: z.boolean(),
  }),
);
export type TrackingClaimRecord = z.output<typeof trackingClaimRecord>;

export const trackingClaimKey = (partnerCode: string, trackingNumber: string): TableKey => ({ pk: `TRACKING#${partnerCode}#${trackingNumber}`, sk: 'CLAIM' });
export const trackingClaimItem = (c: TrackingClaimRecord): Item => storedItem('trackingClaim', { ...c }, trackingClaimKey(c.partnerCode, c.trackingNumber));

/**
 * The claim put as a transaction item, only if the claim is still the one read: held by
 * `readHolder` (the shipment the read claim named, active or not), or absent when none was read.
 */
export const trackingClaimPut = (c: TrackingClaimRecord, readHolder: string | undefined): TransactItem => {
  const condition: Condition =
    readHolder === undefined
      ? { expression: 'attribute_not_exists(#shipmentId)', names: { '#shipmentId': 'shipmentId' } }
      : { expression: '#shipmentId = :readHolder', names: { '#shipmentId': 'shipmentId' }, values: { ':readHolder': readHolder } };
  return putItem(trackingClaimItem(c), condition);
};

// ---------------------------------------------------------------------------------------
// Webhook deliveries (entity `webhookDelivery`) and events for unknown numbers (entity `unknownTracking`)

export const webhookDeliveryKey = (partnerCode: string, messageId: string): TableKey => ({ pk: `WEBHOOK#${partnerCode}#${messageId}`, sk: 'DELIVERY' });
export const webhookDeliveryItem = (d: { partnerCode: string; messageId: string; response: string; ttl: number }): Item =>
  storedItem('webhookDelivery', { ...d }, webhookDeliveryKey(d.partnerCode, d.messageId));
export const webhookDeliveryRecord = z.lazy(() =>
  z.object({ partnerCode: z.string(), messageId: z.string(), response: z.string(), ttl: z.number() }),
);

export const unknownTrackingRecord = z.lazy(() =>
  z.object({
    partnerCode: z.string(),
    trackingNumber: z.string(),
    eventId: z.string(),
    /** The partner's event as it came (already validated then). */
    event: z.record(z.string(), z.unknown()),
    receivedAt: z.string(),
    ttl: z.number().check(z.int()),
  }),
);
export type UnknownTrackingRecord = z.output<typeof unknownTrackingRecord>;

/** The per-partner list's partition (gsi1 of `unknownTracking`), newest last by receipt. */
export const unknownTrackingPartition = (partnerCode: string): string => `UNKNOWN#${partnerCode}`;
export const unknownTrackingItem = (u: UnknownTrackingRecord): Item =>
  storedItem(
    'unknownTracking',
    { ...u },
    {
      pk: `UNKNOWNTRACKING#${u.partnerCode}#${u.trackingNumber}`,
      sk: `EVENT#${u.eventId}`,
      gsi1pk: unknownTrackingPartition(u.partnerCode),
      gsi1sk: `${u.receivedAt}#${u.trackingNumber}#${u.eventId}`,
    },
  );
