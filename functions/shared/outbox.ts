import { eventCatalogue, type DetailType, type EventDataOf } from '../../events/catalogue.js';
import type { OutboxItem } from './db/entities.js';
import { newId } from './ids.js';

/** Outbox items live a week: long enough for the relay to retry, short enough to stay small. */
const outboxTtlSeconds = 7 * 24 * 3600;

/**
 * Builds the outbox item for an event, validated against its contract. Handlers write
 * it in the same transaction as the state change; they never call PutEvents.
 */
export const outboxEvent = <T extends DetailType>(
  detailType: T,
  data: EventDataOf<T>,
  context: { correlationId: string; now?: Date },
): OutboxItem => {
  const entry = eventCatalogue[detailType];
  const now = context.now ?? new Date();
  const eventId = newId('evt');
  const detail = entry.schema.parse({
    metadata: { eventId, version: entry.version, occurredAt: now.toISOString(), correlationId: context.correlationId },
    data,
  });
  return {
    eventId,
    source: entry.source,
    detailType,
    detail: JSON.stringify(detail),
    occurredAt: now.toISOString(),
    correlationId: context.correlationId,
    ttl: Math.floor(now.getTime() / 1000) + outboxTtlSeconds,
  };
};
