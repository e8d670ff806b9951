/**
 * Stripe events kept for operators: written with the event's dedupe marker in one
 * transaction, so a redelivery is recognised and nothing is kept twice.
 */
import * as z from 'zod/mini';
import { stripeEventItem } from '../orders/order-items.js';
import { queryPage } from '../shared/db/read.js';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { createItem, storedItem, transactWrite } from '../shared/db/write.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import type { StripeEventEnvelope, UnmatchedReason } from './stripe-event.js';

/** How long unmatched Stripe events are kept for inspection. */
export const unmatchedStripeEventDays = 90;

/** The operators' list: one partition, newest first by receipt (gsi1). */
const listPartition = 'STRIPEUNMATCHED';

/** A kept event (entity `unmatchedStripeEvent`). */
export const unmatchedEventRecord = z.lazy(() =>
  z.object({
    eventId: z.string(),
    type: z.string(),
    createdAt: z.string(),
    livemode: z.boolean(),
    objectId: optional(z.string()),
    orderId: optional(z.string()),
    reason: z.enum(['not_ours', 'order_not_found']),
    event: z.record(z.string(), z.unknown()),
    receivedAt: z.string(),
    ttl: z.number().check(z.int()),
  }),
);
export type UnmatchedEventRecord = z.output<typeof unmatchedEventRecord>;

export const unmatchedEventItem = (r: UnmatchedEventRecord) =>
  storedItem('unmatchedStripeEvent', { ...r }, { pk: `STRIPEUNMATCHED#${r.eventId}`, sk: 'STRIPEUNMATCHED', gsi1pk: listPartition, gsi1sk: `${r.receivedAt}#${r.eventId}` });

export const keepUnmatchedEvent = async (event: StripeEventEnvelope, reason: UnmatchedReason, orderId: string | undefined, now: Date): Promise<'kept' | 'duplicate_event'> => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const objectId = event.data.object.id;
  const outcome = await transactWrite([
    createItem(stripeEventItem(event.id, event.type, now)),
    createItem(
      unmatchedEventItem({
        eventId: event.id,
        type: event.type,
        createdAt: new Date((event.created ?? nowSeconds) * 1000).toISOString(),
        livemode: event.livemode ?? false,
        objectId: typeof objectId === 'string' ? objectId.slice(0, 255) : undefined,
        orderId,
        reason,
        event: { ...event },
        receivedAt: now.toISOString(),
        ttl: nowSeconds + unmatchedStripeEventDays * 24 * 3600,
      }),
    ),
  ]);
  if (!outcome.canceled) return 'kept';
  if (outcome.codes.includes('ConditionalCheckFailed')) return 'duplicate_event';
  throw new Error(`Stripe event ${event.id} was not kept: ${outcome.codes.join(', ')}`);
};

/** Newest first, one page (the store position in and out, in ElectroDB's cursor form). */
export const listUnmatchedEvents = async (limit: number, position: string | null) => {
  const page = await queryPage('unmatchedStripeEvent', unmatchedEventRecord, { index: 'gsi1', partition: listPartition }, { limit, descending: true, start: startKeyOf(position) });
  const data = page.records;
  return {
    events: data.map(({ eventId, type, createdAt, livemode, objectId, orderId, reason, receivedAt, event }) => ({
      eventId,
      type,
      createdAt,
      livemode,
      objectId: objectId ?? null,
      orderId: orderId ?? null,
      reason,
      receivedAt,
      event,
    })),
    cursor: positionOf(page.next),
  };
};
