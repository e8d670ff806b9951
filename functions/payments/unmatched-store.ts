/**
 * Stripe events kept for operators: written with the event's dedupe marker in one
 * transaction, so a redelivery is recognised and nothing is kept twice.
 */
import { db } from './db.js';
import { unmatchedStripeEventDays } from './entities.js';
import type { StripeEventEnvelope, UnmatchedReason } from './stripe-event.js';

const markerTtlSeconds = 30 * 24 * 3600;

export const keepUnmatchedEvent = async (event: StripeEventEnvelope, reason: UnmatchedReason, orderId: string | undefined, now: Date): Promise<'kept' | 'duplicate_event'> => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const objectId = event.data.object.id;
  const result = await db()
    .transaction.write(({ stripeEvent, unmatchedStripeEvent }) => [
      stripeEvent.create({ eventId: event.id, type: event.type, receivedAt: now.toISOString(), ttl: nowSeconds + markerTtlSeconds }).commit(),
      unmatchedStripeEvent
        .create({
          eventId: event.id,
          type: event.type,
          createdAt: new Date((event.created ?? nowSeconds) * 1000).toISOString(),
          livemode: event.livemode ?? false,
          ...(typeof objectId === 'string' ? { objectId: objectId.slice(0, 255) } : {}),
          ...(orderId ? { orderId } : {}),
          reason,
          event,
          receivedAt: now.toISOString(),
          ttl: nowSeconds + unmatchedStripeEventDays * 24 * 3600,
        })
        .commit(),
    ])
    .go();
  if (!result.canceled) return 'kept';
  if (result.data.some((d) => d.rejected && d.code === 'ConditionalCheckFailed')) return 'duplicate_event';
  throw new Error(`Stripe event ${event.id} was not kept: ${result.data.map((d) => d.code).join(', ')}`);
};

/** Newest first, one page (ElectroDB cursor in and out). */
export const listUnmatchedEvents = async (limit: number, cursor: string | null) => {
  const { data, cursor: next } = await db().entities.unmatchedStripeEvent.query.byTime({}).go({ order: 'desc', limit, cursor });
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
    cursor: next,
  };
};
