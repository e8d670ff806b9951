/**
 * Outbox relay logic: put outbox items on the bus in PutEvents batches of ten, resend
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

const maxEntriesPerCall = 10;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

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
    const stillFailing: RelayItem[] = [];
    for (const batch of chunks(pending, maxEntriesPerCall)) {
      try {
        const { Entries = [] } = await putEvents(batch.map((item) => item.entry));
        // Result entries are positional; an entry with an ErrorCode (or missing) failed.
        batch.forEach((item, i) => {
          const result = Entries[i];
          if (!result || result.ErrorCode || !result.EventId) stillFailing.push(item);
        });
      } catch {
        stillFailing.push(...batch);
      }
    }
    failedAttempts += stillFailing.length;
    pending = stillFailing;
  }
  return { published: items.length - pending.length, failedAttempts, failed: pending };
};
