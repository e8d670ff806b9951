import * as z from 'zod/mini';

/**
 * Who caused an event, when a person's API key did: the key's id and role (never the key).
 * Absent for events the system raises on its own (schedules, consumers, webhooks).
 * Built with each event schema's metadata, as the rest of it is: almost every bundle imports
 * this file, and event schemas are built on first use (define.ts), not at import.
 */
export const eventActor = () =>
  z.object({
    keyId: z.string().check(z.minLength(1), z.maxLength(64)),
    role: z.enum(['admin', 'merchant', 'finance']),
  });
export type EventActor = z.infer<ReturnType<typeof eventActor>>;

/** Every event's `detail` is `{ metadata, data }`; `metadata.version` is the contract version of `data`. */
export const eventMetadata = <V extends number>(version: V) =>
  z.object({
    eventId: z.string().check(z.minLength(1)),
    version: z.literal(version),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().check(z.minLength(1)),
    actor: z.optional(eventActor()),
  });

export const eventDetail = <V extends number, D extends z.ZodMiniType>(version: V, data: D) =>
  z.object({ metadata: eventMetadata(version), data });

export type EventMetadata = z.infer<ReturnType<typeof eventMetadata>>;
