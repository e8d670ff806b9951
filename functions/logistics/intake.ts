/**
 * Partner webhook intake: applies a verified batch of tracking events with a bounded
 * number of DynamoDB calls (DESIGN: at most 3 + n/25 for n events):
 *
 *   1. one BatchGetItem: the tracking-number claims, plus the delivery's `webhook-id`
 *      marker when it fits in the same call (up to 99 distinct numbers);
 *   2. one BatchGetItem: the claimed shipments' head items;
 *   3. TransactWriteItems packed up to 100 actions: per new event one item under the
 *      shipment's partition (a conditional put: an eventId the parcel already has is a
 *      duplicate), per shipment whose summary moves its head (conditional on the version
 *      read) and ShipmentStatusChanged when the status really changed; events for unknown
 *      numbers kept for inspection; the delivery marker with the answer.
 *
 * The head remembers the last eventIds it applied, so a partner's retry is recognised
 * without reading the timeline; an older duplicate is caught by the conditional put. A
 * transaction that loses a race (another delivery moved a head, or already stored an event)
 * is re-planned from fresh reads, a bounded number of times with jittered backoff; if the
 * shipments keep changing the answer is a retryable 503 (never a 500, never a lost event).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { batchGetItems } from '../shared/db/batch-get.js';
import { atVersion, createItem, outboxItem, patchItem, putItem, transactWrite, type TransactItem } from '../shared/db/write.js';
import { backoff } from '../shared/backoff.js';
import { ProblemError } from '../shared/errors.js';
import { outboxEvent } from '../shared/outbox.js';
import { parseStored } from '../shared/db/stored-item.js';
import { recordOf } from '../shared/db/read.js';
import {
  activeIndexKeyNames,
  activeIndexKeys,
  shipmentEventItem,
  shipmentKey,
  trackingClaimKey,
  unknownTrackingItem,
  webhookDeliveryItem,
  webhookDeliveryKey,
  webhookDeliveryRecord,
  type ShipmentRecord,
  type TrackingClaimRecord,
} from './logistics-items.js';
import { claimOf, getShipments } from './shipment-store.js';
import { applyToHead, timelineEventOf, trackingStatus, type PartnerEvent, type TimelineEvent, type TrackingHead } from './tracking.js';
import { ShipmentStatusChanged } from '../../events/schemas/logistics.js';

/** A batch's answer; the delivery marker keeps it to answer a replay with. */
const intakeResult = z.object({ accepted: z.number().check(z.int()), duplicates: z.number().check(z.int()), unknownTrackingNumbers: z.array(z.string()) });
export type IntakeResult = z.output<typeof intakeResult>;

const maxActions = 100;
const maxKeysPerBatchGet = 100;
/** Events dated more than this before a parcel's booking belong to an earlier parcel with the same number. */
export const recycledNumberWindowDays = 14;
/** How many recent eventIds a shipment's head remembers (bounded: the head never grows). */
export const recentEventIdsKept = 100;
/** Rounds of a batch against concurrent deliveries before answering 503 (the partner retries). */
export const maxIntakeAttempts = 5;
const unknownRetentionSeconds = 30 * 24 * 3600;
/** Standard Webhooks' tolerance: a replay of an accepted delivery can only come within it. */
const deliveryMemorySeconds = 10 * 60;

type Action = TransactItem;

export const headOf = (shipment: ShipmentRecord): TrackingHead => ({
  status: parseStored(trackingStatus, shipment.status, `shipment ${shipment.shipmentId} status`),
  statusAt: shipment.statusAt ?? '',
  statusEventId: shipment.statusEventId ?? '',
  terminal: shipment.terminal,
  currentFlight: shipment.currentFlight ?? null,
  flightKey: shipment.flightKey ?? '',
  lastEventAt: shipment.lastEventAt ?? null,
});

/** What applying events writes on a shipment's head. */
export interface HeadWrite {
  readonly head: TrackingHead;
  readonly lastActivityAt: string;
  readonly recentEventIds: readonly string[];
}

/**
 * The head's update, if it is still at the version read, as the `shipment` entity's patch
 * did: the summary, and the active index's keys rewritten from `lastActivityAt` while the
 * shipment is not terminal, removed once it is (the index is sparse).
 */
export const headChange = (shipment: ShipmentRecord, { head, lastActivityAt, recentEventIds }: HeadWrite): TransactItem => {
  const activeKeys = activeIndexKeys({ shipmentId: shipment.shipmentId, terminal: head.terminal, bucket: shipment.bucket, lastActivityAt });
  return patchItem(
    shipmentKey(shipment.shipmentId),
    'shipment',
    {
      set: {
        status: head.status,
        statusAt: head.statusAt,
        statusEventId: head.statusEventId,
        terminal: head.terminal,
        currentFlight: head.currentFlight ?? undefined,
        flightKey: head.flightKey,
        lastEventAt: head.lastEventAt ?? undefined,
        lastActivityAt,
        recentEventIds: [...recentEventIds],
        bucket: shipment.bucket,
        version: shipment.version + 1,
        ...activeKeys,
        shipmentId: shipment.shipmentId,
      },
      ...(head.terminal ? { remove: [...activeIndexKeyNames] } : {}),
    },
    atVersion(shipment.version),
  );
};

/** One unit of work in a transaction: an event put, a head (with its outbox event), or an unknown number's event. */
interface Unit {
  readonly kind: 'event' | 'head' | 'unknown';
  readonly shipmentId: string;
  readonly eventId: string;
  readonly actions: Action[];
}

interface ShipmentPlan {
  readonly units: Unit[];
  /** New to this shipment as far as the head knows (their puts decide duplicates exactly). */
  readonly fresh: TimelineEvent[];
  readonly duplicates: number;
}

/** What one shipment's new events change: event puts and, when its summary moves, the head. */
const planShipment = (
  shipment: ShipmentRecord,
  incoming: readonly PartnerEvent[],
  settled: ReadonlySet<string>,
  retrying: boolean,
  correlationId: string,
  now: Date,
): ShipmentPlan => {
  const ring = new Set(shipment.recentEventIds ?? []);
  // In a retry round the ring may name events whose own puts were cancelled with another
  // shipment's transaction: every event not settled is put again (the condition decides).
  const known = retrying ? new Set<string>() : ring;
  // Carriers recycle numbers: an event from long before this booking is an earlier parcel's (a retry of it).
  const earliest = new Date(Date.parse(shipment.bookedAt) - recycledNumberWindowDays * 86_400_000).toISOString();
  const fresh = incoming.filter((e) => !known.has(e.eventId) && e.occurredAt >= earliest).map(timelineEventOf);
  const units: Unit[] = fresh
    .filter((e) => !settled.has(e.eventId))
    .map((event) => ({
      kind: 'event',
      shipmentId: shipment.shipmentId,
      eventId: event.eventId,
      actions: [createItem(shipmentEventItem(shipment.shipmentId, event, now.toISOString()))],
    }));
  if (fresh.length === 0) return { units, fresh, duplicates: incoming.length };

  // The head joins every event not in its ring, duplicates included: joining is idempotent,
  // and it mends a head that missed events whose puts committed before a crash.
  const before = headOf(shipment);
  const head = applyToHead(before, fresh);
  const lastActivityAt = head.lastEventAt ?? shipment.lastActivityAt;
  const changed = head.status !== before.status;
  const moved =
    changed || head.statusAt !== before.statusAt || head.flightKey !== before.flightKey || head.lastEventAt !== before.lastEventAt || head.terminal !== before.terminal;
  const headActions: Action[] = [
    headChange(shipment, { head, lastActivityAt, recentEventIds: [...new Set([...ring, ...fresh.map((e) => e.eventId)])].slice(-recentEventIdsKept) }),
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
        status: head.status,
        terminal: head.terminal,
        statusAt: head.statusAt || shipment.bookedAt,
        currentFlight: head.currentFlight,
      },
      { correlationId, now },
    );
    headActions.push(outboxItem(event));
  }
  // A head that does not move is not written: the join is monotone, so what this batch adds
  // to it stays a no-op under any later head. Its ring then misses these ids, which only
  // costs the conditional puts of a retry.
  if (moved || units.length > 0) units.push({ kind: 'head', shipmentId: shipment.shipmentId, eventId: '', actions: headActions });
  return { units, fresh, duplicates: incoming.length - fresh.length };
};

/** Packs units (never split) into transactions of at most 100 actions. */
const pack = (units: readonly Unit[], capacity = maxActions): Unit[][] => {
  const transactions: Unit[][] = [];
  let current: Unit[] = [];
  let size = 0;
  for (const unit of units) {
    if (size + unit.actions.length > capacity && current.length > 0) {
      transactions.push(current);
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.actions.length;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
};

/** Runs one transaction; on cancellation, the reason code of each action (in order). */
const run = async (actions: readonly Action[]): Promise<string[] | null> => {
  const outcome = await transactWrite(actions);
  return outcome.canceled ? [...outcome.codes] : null;
};


/**
 * Applies a batch. `messageId` is the delivery's `webhook-id`: a replay of an accepted
 * delivery answers what the first one did and changes nothing.
 */
export const ingest = async (partnerCode: string, messageId: string, events: readonly PartnerEvent[], correlationId: string): Promise<IntakeResult> => {
  const now = new Date();

  // Duplicates within the batch count once as accepted (or not), the rest as duplicates.
  const unique = new Map<string, PartnerEvent>();
  for (const event of events) if (!unique.has(event.eventId)) unique.set(event.eventId, event);
  let duplicates = events.length - unique.size;
  const numbers = [...new Set([...unique.values()].map((e) => e.trackingNumber))];

  const markerKey = { ...webhookDeliveryKey(partnerCode, messageId) };
  const claimKeys = numbers.map((trackingNumber) => ({ ...trackingClaimKey(partnerCode, trackingNumber) }));
  // The replay check rides along only when it costs no extra call; a replay it misses finds
  // every event already applied and changes nothing either. Claims and heads are read strongly
  // consistent: a parcel booked a moment ago (claim and head in one transaction) is found whole,
  // never filed as an unknown number, and a head read once is there on every later read.
  const first = await batchGetItems(claimKeys.length < maxKeysPerBatchGet ? [markerKey, ...claimKeys] : claimKeys, { consistent: true });
  const marker = first.map((item) => recordOf('webhookDelivery', webhookDeliveryRecord, item)).find((record) => record !== undefined);
  if (marker) return parseStored(intakeResult, JSON.parse(marker.response), `webhookDelivery ${partnerCode}/${messageId} response`);

  const claims = new Map<string, TrackingClaimRecord>();
  for (const raw of first) {
    // A released claim (parcel done) still routes late events to its parcel until the number is booked again.
    const claim = claimOf(raw);
    if (claim) claims.set(claim.trackingNumber, claim);
  }
  let heads = await getShipments([...new Set([...claims.values()].map((c) => c.shipmentId))]);

  const byShipment = new Map<string, PartnerEvent[]>();
  const unknown: PartnerEvent[] = [];
  for (const event of unique.values()) {
    const shipmentId = claims.get(event.trackingNumber)?.shipmentId ?? '';
    if (!heads.has(shipmentId)) unknown.push(event);
    else byShipment.set(shipmentId, [...(byShipment.get(shipmentId) ?? []), event]);
  }
  const unknownUnits: Unit[] = unknown.map((event) => ({
    kind: 'unknown',
    shipmentId: '',
    eventId: event.eventId,
    actions: [
      putItem(
        unknownTrackingItem({
          partnerCode,
          trackingNumber: event.trackingNumber,
          eventId: event.eventId,
          event: { ...event },
          receivedAt: now.toISOString(),
          ttl: Math.floor(now.getTime() / 1000) + unknownRetentionSeconds,
        }),
      ),
    ],
  }));

  /** Event puts that committed in this request (accepted), and puts refused as already stored (duplicates). */
  const stored = new Set<string>();
  const refused = new Set<string>();
  let pending = new Map(byShipment);
  let pendingUnknown = unknownUnits;
  let markerWritten = false;
  let accepted = 0;
  for (let attempt = 0; pending.size > 0 || pendingUnknown.length > 0; attempt += 1) {
    if (attempt >= maxIntakeAttempts) {
      throw new ProblemError('service_unavailable', { headers: { 'retry-after': '1' }, cause: new Error(`shipments kept changing under batch ${messageId}`) });
    }
    if (attempt > 0) {
      await backoff(attempt);
      heads = await getShipments([...pending.keys()]);
    }
    const plans = [...pending].map(([shipmentId, incoming]) => {
      const head = heads.get(shipmentId);
      // Shipments are never deleted: a head read once is there on every later read.
      if (!head) throw new Error(`shipment ${shipmentId} was not found again`);
      return { shipmentId, plan: planShipment(head, incoming, new Set([...stored, ...refused]), attempt > 0, correlationId, now) };
    });
    const units = [...plans.flatMap((p) => p.plan.units), ...pendingUnknown];
    // The marker rides in the last transaction of the first round, run only after every other one committed.
    const transactions = pack(units, maxActions);
    const markerUnits = attempt === 0 ? (transactions.at(-1) ?? []) : [];
    const withMarker = attempt === 0 && markerUnits.reduce((n, u) => n + u.actions.length, 0) < maxActions;
    const last = withMarker ? transactions.pop() ?? [] : [];
    const outcomes = await Promise.all(transactions.map((tx) => run(tx.flatMap((u) => u.actions))));
    let lastOutcome: string[] | null = null;
    let markerAnswer: IntakeResult | undefined;
    if (withMarker) {
      // What the answer is if everything in this round commits (nothing was refused yet in round 0).
      markerAnswer = {
        accepted: plans.reduce((n, p) => n + p.plan.fresh.length, 0),
        duplicates: duplicates + plans.reduce((n, p) => n + p.plan.duplicates, 0),
        unknownTrackingNumbers: [...new Set(unknown.map((e) => e.trackingNumber))],
      };
      const answer = markerAnswer;
      const markerAction: Action = putItem(
        webhookDeliveryItem({ partnerCode, messageId, response: JSON.stringify(answer), ttl: Math.floor(now.getTime() / 1000) + deliveryMemorySeconds }),
      );
      const everyOtherCommitted = outcomes.every((o) => o === null);
      lastOutcome = await run([...last.flatMap((u) => u.actions), ...(everyOtherCommitted ? [markerAction] : [])]);
      markerWritten = everyOtherCommitted && lastOutcome === null;
      transactions.push(last);
      outcomes.push(lastOutcome);
    }

    const lostShipments = new Set<string>();
    const lostUnknown: Unit[] = [];
    transactions.forEach((tx, t) => {
      const codes = outcomes[t];
      let position = 0;
      for (const unit of tx) {
        const unitCodes = codes ? codes.slice(position, position + unit.actions.length) : [];
        position += unit.actions.length;
        if (!codes) {
          if (unit.kind === 'event') stored.add(unit.eventId);
          continue;
        }
        if (unit.kind === 'unknown') lostUnknown.push(unit);
        else lostShipments.add(unit.shipmentId);
        if (unit.kind === 'event' && unitCodes[0] === 'ConditionalCheckFailed') refused.add(unit.eventId);
      }
    });
    for (const { shipmentId, plan } of plans) {
      if (lostShipments.has(shipmentId)) continue;
      duplicates += plan.duplicates;
      for (const event of plan.fresh) {
        if (refused.has(event.eventId)) duplicates += 1;
        else accepted += 1;
      }
    }
    if (markerWritten && markerAnswer) return markerAnswer;
    pending = new Map([...pending].filter(([shipmentId]) => lostShipments.has(shipmentId)));
    pendingUnknown = lostUnknown;
  }
  const result: IntakeResult = { accepted, duplicates, unknownTrackingNumbers: [...new Set(unknown.map((e) => e.trackingNumber))] };
  if (!markerWritten) {
    await documentClient.send(
      new PutCommand({
        TableName: config.tableName(),
        Item: webhookDeliveryItem({ partnerCode, messageId, response: JSON.stringify(result), ttl: Math.floor(now.getTime() / 1000) + deliveryMemorySeconds }),
      }),
    );
  }
  return result;
};
