/**
 * Outbox relay logic: put outbox items on the bus in PutEvents batches (at most ten entries
 * and less than 256 KB of entries per call, as EventBridge counts entry size), resend
 * only the entries EventBridge reports as failed, and give back what still failed so
 * the stream mapping retries those records (never dropping, never re-sending the rest).
 */
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';

export interface RelayItem {
  /** Stream sequence number: what `batchItemFailures` names. */
  readonly id: string;
  readonly entry: PutEventsRequestEntry;
}

export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<{ Entries?: PutEventsResultEntry[] }>;

export interface RelayOptions {
  readonly attempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface RelayOutcome {
  readonly published: number;
  /** Entries that failed at least once (what the PutEventsFailedEntries metric counts). */
  readonly failedAttempts: number;
  readonly failed: readonly RelayItem[];
}

/** EventBridge's PutEvents limits: entries per call, and the total entry size, which must be less than 256 KB. */
export const putEventsLimits = { maxEntries: 10, totalEntryBytesBelow: 256 * 1024 } as const;

const utf8Bytes = (text: string | undefined): number => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/**
 * An entry's size as EventBridge counts it ("Calculating PutEvents event entry size"): Time,
 * when given, is 14 bytes; Source, DetailType, Detail and each of Resources their UTF-8 bytes.
 */
export const putEventsEntrySize = (entry: PutEventsRequestEntry): number =>
  (entry.Time === undefined ? 0 : 14) +
  utf8Bytes(entry.Source) +
  utf8Bytes(entry.DetailType) +
  utf8Bytes(entry.Detail) +
  (entry.Resources ?? []).reduce((sum, resource) => sum + utf8Bytes(resource), 0);

/**
 * PutEvents calls for these items, in order: a new call starts when the current one has ten
 * entries or the next entry would bring it to 256 KB. An entry that alone reaches the limit can
 * never be put; it is returned apart (`oversized`) rather than sent.
 */
export const putEventsBatches = (items: readonly RelayItem[]): { batches: RelayItem[][]; oversized: RelayItem[] } => {
  const batches: RelayItem[][] = [];
  const oversized: RelayItem[] = [];
  let current: RelayItem[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const bytes = putEventsEntrySize(item.entry);
    if (bytes >= putEventsLimits.totalEntryBytesBelow) {
      oversized.push(item);
      continue;
    }
    if (current.length === putEventsLimits.maxEntries || currentBytes + bytes >= putEventsLimits.totalEntryBytesBelow) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return { batches, oversized };
};

export const defaultRelayOptions: RelayOptions = {
  attempts: 3,
  backoffMs: (attempt) => 100 * 2 ** attempt,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const relay = async (
  items: readonly RelayItem[],
  putEvents: PutEvents,
  options: RelayOptions = defaultRelayOptions,
): Promise<RelayOutcome> => {
  let pending = [...items];
  let failedAttempts = 0;
  for (let attempt = 0; attempt < options.attempts && pending.length > 0; attempt += 1) {
    if (attempt > 0) await options.sleep(options.backoffMs(attempt));
    const { batches, oversized } = putEventsBatches(pending);
    // Never accepted by EventBridge (the outbox refuses such events; this guards older items).
    const stillFailing = new Set<RelayItem>(oversized);
    for (const batch of batches) {
      try {
        const { Entries = [] } = await putEvents(batch.map((item) => item.entry));
        // Result entries are positional; an entry with an ErrorCode (or missing) failed.
        batch.forEach((item, i) => {
          const result = Entries[i];
          if (!result || result.ErrorCode || !result.EventId) stillFailing.add(item);
        });
      } catch {
        for (const item of batch) stillFailing.add(item);
      }
    }
    failedAttempts += stillFailing.size;
    pending = pending.filter((item) => stillFailing.has(item)); // in stream order
  }
  return { published: items.length - pending.length, failedAttempts, failed: pending };
};
