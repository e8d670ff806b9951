import type { DataOf, EventContract } from '../../events/define.js';
import type { EventActor } from '../../events/envelope.js';
import type { Principal } from './api-keys.js';
import type { OutboxItem } from './db/entities.js';
import { newId } from './ids.js';

/** Outbox items live a week: long enough for the relay to retry, short enough to stay small. */
const outboxTtlSeconds = 7 * 24 * 3600;

/**
 * The largest `detail` (UTF-8 bytes) an outbox event may carry. EventBridge refuses a PutEvents
 * entry of 256 KB or more (Time, Source, DetailType and Detail counted together), so an event
 * near that size could never be relayed: it would sit in the stream's retries and then its
 * dead-letter queue. Refusing it here, with headroom, fails the original write instead.
 */
export const outboxDetailLimitBytes = 200 * 1024;

/** An event too large to ever be put on the bus; thrown before anything is written. */
export class OutboxEventTooLargeError extends Error {
  constructor(
    readonly detailType: string,
    readonly bytes: number,
    readonly limitBytes: number = outboxDetailLimitBytes,
  ) {
    super(`${detailType} detail is ${bytes} bytes; an outbox event may carry at most ${limitBytes}`);
    this.name = 'OutboxEventTooLargeError';
  }
}

/**
 * What an event is raised in: the request's correlation ID and, for a change a person made
 * with an API key, the actor (`metadata.actor`), which the audit trail records as "who".
 */
export interface EventContext {
  readonly correlationId: string;
  readonly now?: Date;
  readonly actor?: EventActor | undefined;
}

/** The event context of an HTTP request: its correlation ID and the caller's key as the actor. */
export const requestContext = (request: { correlationId: string; principal: Principal | null }, now?: Date): EventContext => ({
  correlationId: request.correlationId,
  ...(now ? { now } : {}),
  ...(request.principal ? { actor: { keyId: request.principal.keyId, role: request.principal.role } } : {}),
});

/**
 * Builds the outbox item for an event, validated against its contract and size-checked
 * (OutboxEventTooLargeError). Handlers write it in the same transaction as the state
 * change; they never call PutEvents.
 */
export const outboxEvent = <E extends EventContract>(
  entry: E,
  data: DataOf<E>,
  context: EventContext,
): OutboxItem => {
  const { detailType } = entry;
  const now = context.now ?? new Date();
  const eventId = newId('evt');
  const detail = entry.schema.parse({
    metadata: {
      eventId,
      version: entry.version,
      occurredAt: now.toISOString(),
      correlationId: context.correlationId,
      ...(context.actor ? { actor: context.actor } : {}),
    },
    data,
  });
  const json = JSON.stringify(detail);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > outboxDetailLimitBytes) throw new OutboxEventTooLargeError(detailType, bytes);
  return {
    eventId,
    source: entry.source,
    detailType,
    detail: json,
    occurredAt: now.toISOString(),
    correlationId: context.correlationId,
    ttl: Math.floor(now.getTime() / 1000) + outboxTtlSeconds,
  };
};
