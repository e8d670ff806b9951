/**
 * Partner webhook intake: applies a verified batch of tracking events with a bounded
 * number of DynamoDB calls (DESIGN: at most 3 + n/25 for n events):
 *
 *   1. one BatchGetItem: the delivery's `webhook-id` marker and the tracking-number claims
 *      (two when a batch names 100 distinct numbers);
 *   2. one BatchGetItem: the claimed shipments;
 *   3. TransactWriteItems packed up to 100 actions: per shipment, its merged timeline
 *      (conditional on the version read: the dedupe by (partner, eventId) is decided on
 *      the stored timeline and made safe by that conditional write), ShipmentStatusChanged
 *      when the status really changed, the claim released once the parcel is done; events
 *      for unknown numbers kept for inspection; the delivery marker with the answer.
 *
 * A transaction that loses a race (another delivery updated the shipment) is re-run from
 * fresh reads, so concurrent deliveries never lose or double-apply an event.
 */
import type { OutboxItem } from '../shared/db/entities.js';
import { batchGetItems, keyOf } from '../shared/db/batch-get.js';
import { db, type TransactionEntities } from '../shared/db/service.js';
import { outboxEvent } from '../shared/outbox.js';
import type { ShipmentItem, TrackingClaimItem } from './entities.js';
import { mergeTimeline, timelineEventOf, type PartnerEvent, type ShipmentProjection, type TimelineEvent } from './tracking.js';
import { ShipmentStatusChanged } from '../../events/schemas/logistics.js';

export interface IntakeResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly unknownTrackingNumbers: string[];
}

const maxActions = 100;
/** Events dated more than this before a parcel's booking belong to an earlier parcel with the same number. */
export const recycledNumberWindowDays = 14;
const unknownRetentionSeconds = 30 * 24 * 3600;
/** Standard Webhooks' tolerance: a replay of an accepted delivery can only come within it. */
const deliveryMemorySeconds = 10 * 60;

type Tx = TransactionEntities;
/** ElectroDB types a transaction item per entity; plans mix entities, so `run` restores the one cast. */
type Committed = ReturnType<ReturnType<Tx['outbox']['create']>['commit']>;

/** The event whose status the shipment now has: the first terminal one, or the latest. */
const statusAt = (projection: ShipmentProjection, fallback: string): string => {
  if (projection.terminal) return projection.timeline.find((e) => e.status === projection.status)?.occurredAt ?? fallback;
  return projection.lastEventAt ?? fallback;
};

interface ShipmentPlan {
  readonly actions: Array<(tx: Tx) => unknown>;
  readonly accepted: number;
  readonly duplicates: number;
}

/** What one shipment's new events change, as transaction actions. */
const planShipment = (shipment: ShipmentItem, incoming: readonly PartnerEvent[], correlationId: string, now: Date): ShipmentPlan => {
  const stored = shipment.timeline as TimelineEvent[];
  const seen = new Set(stored.map((e) => e.eventId));
  // Carriers recycle numbers: an event from long before this booking is an earlier parcel's (a retry of it).
  const earliest = new Date(Date.parse(shipment.bookedAt) - recycledNumberWindowDays * 86_400_000).toISOString();
  const fresh = incoming.filter((e) => !seen.has(e.eventId) && e.occurredAt >= earliest).map(timelineEventOf);
  if (fresh.length === 0) return { actions: [], accepted: 0, duplicates: incoming.length };
  const projection = mergeTimeline(stored, fresh);
  // Once delivered or returned, a shipment stays so: a late older terminal event cannot swap it.
  const status = shipment.terminal ? shipment.status : (projection.status ?? shipment.status);
  const changed = status !== shipment.status;
  const actions: Array<(tx: Tx) => unknown> = [
    (tx) =>
      tx.shipment
        .patch({ shipmentId: shipment.shipmentId })
        .set({
          timeline: projection.timeline,
          status,
          currentFlight: projection.currentFlight ?? undefined,
          lastActivityAt: projection.lastEventAt ?? shipment.lastActivityAt,
          terminal: shipment.terminal || projection.terminal,
          bucket: shipment.bucket,
          version: shipment.version + 1,
        })
        .where(({ version }, { eq }) => eq(version, shipment.version))
        .commit(),
  ];
  if (changed) {
    const event: OutboxItem = outboxEvent(
      ShipmentStatusChanged,
      {
        shipmentId: shipment.shipmentId,
        orderId: shipment.orderId,
        merchantId: shipment.merchantId,
        partnerCode: shipment.partnerCode,
        trackingNumber: shipment.trackingNumber,
        previousStatus: shipment.status,
        status,
        terminal: shipment.terminal || projection.terminal,
        statusAt: statusAt(projection, shipment.bookedAt),
        currentFlight: projection.currentFlight,
      },
      { correlationId, now },
    );
    actions.push((tx) => tx.outbox.create(event).commit());
  }
  if (projection.terminal && !shipment.terminal) {
    // The parcel is done: its number may be booked again (carriers recycle numbers).
    actions.push((tx) =>
      tx.trackingClaim
        .patch({ partnerCode: shipment.partnerCode, trackingNumber: shipment.trackingNumber })
        .set({ active: false })
        .where(({ shipmentId }, { eq }) => eq(shipmentId, shipment.shipmentId))
        .commit(),
    );
  }
  return { actions, accepted: fresh.length, duplicates: incoming.length - fresh.length };
};

/** Packs whole shipment plans (and loose actions) into transactions of at most 100 actions. */
const pack = (plans: ReadonlyArray<ReadonlyArray<(tx: Tx) => unknown>>): Array<Array<(tx: Tx) => unknown>> => {
  const transactions: Array<Array<(tx: Tx) => unknown>> = [];
  let current: Array<(tx: Tx) => unknown> = [];
  for (const plan of plans) {
    if (current.length + plan.length > maxActions && current.length > 0) {
      transactions.push(current);
      current = [];
    }
    current.push(...plan);
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
};

const run = async (actions: ReadonlyArray<(tx: Tx) => unknown>): Promise<boolean> => {
  const result = await db()
    .transaction.write((tx) => actions.map((a) => a(tx)) as Committed[])
    .go();
  return !result.canceled;
};

/**
 * Applies a batch. `messageId` is the delivery's `webhook-id`: a replay of an accepted
 * delivery answers what the first one did and changes nothing.
 */
export const ingest = async (
  partnerCode: string,
  messageId: string,
  events: readonly PartnerEvent[],
  correlationId: string,
  attempt = 0,
): Promise<IntakeResult> => {
  const { entities } = db();
  const now = new Date();

  // Duplicates within the batch count once as accepted (or not), the rest as duplicates.
  const unique = new Map<string, PartnerEvent>();
  for (const event of events) if (!unique.has(event.eventId)) unique.set(event.eventId, event);
  const inBatchDuplicates = events.length - unique.size;
  const numbers = [...new Set([...unique.values()].map((e) => e.trackingNumber))];

  const markerKey = keyOf(entities.webhookDelivery.get({ partnerCode, messageId }).params());
  const claimKeys = numbers.map((trackingNumber) => keyOf(entities.trackingClaim.get({ partnerCode, trackingNumber }).params()));
  const first = await batchGetItems(attempt === 0 ? [markerKey, ...claimKeys] : claimKeys);
  const marker = first.find((i) => i.__edb_e__ === 'webhookDelivery');
  if (marker) return JSON.parse(String(marker.response)) as IntakeResult;

  const claims = new Map<string, TrackingClaimItem>();
  for (const raw of first.filter((i) => i.__edb_e__ === 'trackingClaim')) {
    // A released claim (parcel done) still routes late events to its parcel until the number is booked again.
    const claim = entities.trackingClaim.parse({ Item: raw }).data;
    if (claim) claims.set(claim.trackingNumber, claim);
  }
  const shipmentIds = [...new Set([...claims.values()].map((c) => c.shipmentId))];
  const shipments = new Map<string, ShipmentItem>();
  for (const raw of await batchGetItems(shipmentIds.map((shipmentId) => keyOf(entities.shipment.get({ shipmentId }).params())))) {
    const shipment = entities.shipment.parse({ Item: raw }).data;
    if (shipment) shipments.set(shipment.shipmentId, shipment);
  }

  const byShipment = new Map<string, PartnerEvent[]>();
  const unknown: PartnerEvent[] = [];
  for (const event of unique.values()) {
    const shipment = shipments.get(claims.get(event.trackingNumber)?.shipmentId ?? '');
    if (!shipment) unknown.push(event);
    else byShipment.set(shipment.shipmentId, [...(byShipment.get(shipment.shipmentId) ?? []), event]);
  }

  const plans = [...byShipment].map(([shipmentId, incoming]) => ({ shipmentId, plan: planShipment(shipments.get(shipmentId) as ShipmentItem, incoming, correlationId, now) }));
  const unknownActions = unknown.map((event) => (tx: Tx) =>
    tx.unknownTracking
      .put({
        partnerCode,
        trackingNumber: event.trackingNumber,
        eventId: event.eventId,
        event,
        receivedAt: now.toISOString(),
        ttl: Math.floor(now.getTime() / 1000) + unknownRetentionSeconds,
      })
      .commit(),
  );
  const result: IntakeResult = {
    accepted: plans.reduce((n, p) => n + p.plan.accepted, 0),
    duplicates: inBatchDuplicates + plans.reduce((n, p) => n + p.plan.duplicates, 0),
    unknownTrackingNumbers: [...new Set(unknown.map((e) => e.trackingNumber))],
  };

  const markerAction = (response: IntakeResult) => (tx: Tx) =>
    tx.webhookDelivery
      .put({ partnerCode, messageId, response: JSON.stringify(response), ttl: Math.floor(now.getTime() / 1000) + deliveryMemorySeconds })
      .commit();
  // Every plan stays whole inside one transaction; the delivery marker rides in the last one,
  // so it is written only when that transaction commits (a retry rewrites it below).
  const withPlans = plans.filter((p) => p.plan.actions.length > 0);
  const firstMarker = markerAction(result);
  const transactions = pack([
    ...withPlans.map((p) => p.plan.actions),
    ...unknownActions.map((a) => [a]),
    ...(attempt === 0 ? [[firstMarker]] : []),
  ]);
  // The marker's transaction runs last, and only when every other one committed.
  const last = transactions.pop();
  const outcomes = await Promise.all(transactions.map((actions) => run(actions)));
  if (last) {
    const everyOtherCommitted = outcomes.every(Boolean);
    const withoutMarker = last.filter((a) => a !== firstMarker);
    outcomes.push(everyOtherCommitted ? await run(last) : withoutMarker.length > 0 ? await run(withoutMarker) : true);
    transactions.push(everyOtherCommitted ? last : withoutMarker);
  }
  const failed = new Set(transactions.filter((_, i) => !outcomes[i]).flat());
  const lostPlans = withPlans.filter((p) => p.plan.actions.some((a) => failed.has(a)));
  const lostUnknown = unknown.filter((_, i) => failed.has(unknownActions[i] as (tx: Tx) => unknown));
  const markerWritten = attempt === 0 && outcomes.every(Boolean);
  if (lostPlans.length === 0 && lostUnknown.length === 0 && outcomes.every(Boolean)) return result;
  if (attempt >= 3) throw new Error(`shipments kept changing under batch ${messageId}; the partner will retry`);

  // Someone else updated these shipments meanwhile: redo their events from fresh reads.
  const retry = [...lostPlans.flatMap((p) => byShipment.get(p.shipmentId) ?? []), ...lostUnknown];
  const again = retry.length > 0 ? await ingest(partnerCode, messageId, retry, correlationId, attempt + 1) : { accepted: 0, duplicates: 0, unknownTrackingNumbers: [] };
  const merged: IntakeResult = {
    accepted: result.accepted - lostPlans.reduce((n, p) => n + p.plan.accepted, 0) + again.accepted,
    duplicates: result.duplicates - lostPlans.reduce((n, p) => n + p.plan.duplicates, 0) + again.duplicates,
    unknownTrackingNumbers: result.unknownTrackingNumbers,
  };
  if (attempt === 0 && !markerWritten && !(await run([markerAction(merged)]))) throw new Error(`could not record delivery ${messageId}`);
  return merged;
};
