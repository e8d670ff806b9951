import * as z from 'zod';

/** Every event's `detail` is `{ metadata, data }`; `metadata.version` is the contract version of `data`. */
export const eventMetadata = <V extends number>(version: V) =>
  z.object({
    eventId: z.string().min(1),
    version: z.literal(version),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().min(1),
  });

export const eventDetail = <V extends number, D extends z.ZodType>(version: V, data: D) =>
  z.object({ metadata: eventMetadata(version), data });

export type EventMetadata = z.infer<ReturnType<typeof eventMetadata>>;
