import * as z from 'zod';

/**
 * Who caused an event, when a person's API key did: the key's id and role (never the key).
 * Absent for events the system raises on its own (schedules, consumers, webhooks).
 */
export const eventActor = z.object({
  keyId: z.string().min(1).max(64),
  role: z.enum(['admin', 'merchant', 'finance']),
});
export type EventActor = z.infer<typeof eventActor>;

/** Every event's `detail` is `{ metadata, data }`; `metadata.version` is the contract version of `data`. */
export const eventMetadata = <V extends number>(version: V) =>
  z.object({
    eventId: z.string().min(1),
    version: z.literal(version),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().min(1),
    actor: eventActor.optional(),
  });

export const eventDetail = <V extends number, D extends z.ZodType>(version: V, data: D) =>
  z.object({ metadata: eventMetadata(version), data });

export type EventMetadata = z.infer<ReturnType<typeof eventMetadata>>;
