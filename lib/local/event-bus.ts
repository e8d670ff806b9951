/**
 * The local event bus. It speaks enough of EventBridge's wire protocol (PutEvents,
 * AWS JSON 1.1) for the real SDK client in the outbox relay to talk to it, applies the
 * manifest's rules, delivers to targets asynchronously with retries, and dead-letters
 * what still fails, like a rule target's retry policy and DLQ on AWS.
 *
 * It holds requests to EventBridge's rules, so what AWS would refuse fails here too: more
 * than ten entries, or 256 KB of entries, refuse the whole call (ValidationException); an
 * entry with an invalid Time or a Detail that is not a JSON object gets its per-entry error.
 * No request, however malformed, can take the process down.
 *
 * Durability: like EventBridge handing an event to a Lambda target's asynchronous queue, an
 * accepted delivery is not lost when the process dies. With a journal directory (persistent
 * DATA_DIR) each delivery is written there as a file before PutEvents answers, and removed
 * only when its target succeeded or it was dead-lettered; `resume()` (at start, once the
 * handlers are loaded) retries whatever a crash left there. In memory mode nothing is kept.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import * as z from 'zod';
import { consumerRetryAttempts, type Manifest, type RuleSpec } from '../manifest.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { Invoke } from './invoke.js';
import type { LocalQueue } from './queue.js';
import { errorText, localBackoffMs, sleep } from './retry.js';

export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: unknown;
}

/** One PutEvents entry as it arrives on the wire (AWS JSON 1.1: `Time` is epoch seconds); nothing is trusted. */
export interface PutEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

export type PutResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** EventBridge's PutEvents limits: entries per call, and the total entry size, which must be less than 256 KB. */
export const putEventsLimits = { maxEntries: 10, totalEntryBytesBelow: 256 * 1024 } as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const utf8Bytes = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/**
 * An entry's size as EventBridge counts it (docs: "Calculating PutEvents event entry size"):
 * Time, when given, is 14 bytes; Source, DetailType, Detail and each Resources entry their UTF-8
 * bytes. Deliberately written here again rather than imported from the relay: the bus is the
 * stand-in for AWS the relay is tested against, so it keeps its own reading of the rules.
 */
export const entrySize = (entry: unknown): number => {
  if (!isRecord(entry)) return 0;
  const resources = Array.isArray(entry.Resources) ? (entry.Resources as unknown[]) : [];
  return (
    (entry.Time === undefined || entry.Time === null ? 0 : 14) +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    resources.reduce<number>((sum, r) => sum + utf8Bytes(r), 0)
  );
};

const invalid = (message: string): PutResult => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });

/** `Time` as the SDK sends it (epoch seconds) or an ISO string (hand-written requests); undefined when absent. */
const eventTime = (raw: unknown): Date | undefined | 'invalid' => {
  if (raw === undefined || raw === null) return undefined;
  const time = typeof raw === 'number' ? new Date(raw * 1000) : typeof raw === 'string' && raw !== '' ? new Date(raw) : undefined;
  return time && Number.isFinite(time.getTime()) ? time : 'invalid';
};

export interface LocalBusOptions {
  readonly busName: string;
  readonly manifest: Manifest;
  readonly invoke: Invoke;
  readonly deadLetters: DeadLetterStore;
  readonly retryBaseMs?: number;
  /** How many recent events `recent()` keeps. */
  readonly keep?: number;
  /** Where accepted deliveries are kept until done (a file each); omit to keep them in memory only. */
  readonly journalDir?: string;
  /** The manifest's queues: events matching a queue's `fedBy` are sent to it (an SQS rule target on AWS). */
  readonly queues?: readonly LocalQueue[];
}

/** One accepted delivery of one event to one rule's target, as kept in the journal. */
const journalEntry = z.object({
  id: z.string().regex(/^[\w-]+$/),
  rule: z.string(),
  /** Attempts already made (a crash mid-attempt counts it as not made). */
  attempts: z.number().int().nonnegative(),
  acceptedAt: z.string(),
  event: z.object({
    version: z.literal('0'),
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: z.unknown(),
  }),
});
type JournalEntry = z.infer<typeof journalEntry>;

const matches = (rule: RuleSpec, event: BusEvent): boolean =>
  (rule.source as readonly string[]).includes(event.source) && (rule.detailTypes as readonly string[]).includes(event['detail-type']);

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export class LocalEventBus {
  private server: Server | undefined;
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private failNext = 0;
  private readonly events: BusEvent[] = [];
  /** Deliveries running in this process (journal ids), so `resume()` never starts one twice. */
  private readonly running = new Set<string>();

  constructor(private readonly options: LocalBusOptions) {
    if (options.journalDir) mkdirSync(options.journalDir, { recursive: true });
  }

  /**
   * Retries the deliveries a previous process accepted and did not finish (crash, SIGKILL).
   * Call once the targets can be invoked. Returns how many were resumed; an unreadable
   * journal file or one naming a rule the manifest no longer has is dead-lettered.
   */
  resume(): number {
    const dir = this.options.journalDir;
    if (!dir || !existsSync(dir)) return 0;
    let resumed = 0;
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
      const file = join(dir, name);
      let entry: JournalEntry;
      try {
        entry = journalEntry.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        this.deadLetter({ name: name, target: 'unknown', attempts: 0, error: `unreadable journal entry: ${errorText(error)}`, payload: null });
        unlinkSync(file);
        continue;
      }
      if (this.running.has(entry.id)) continue;
      const rule = this.options.manifest.rules.find((r) => r.name === entry.rule);
      if (!rule) {
        this.deadLetter({ name: entry.rule, target: 'unknown', attempts: entry.attempts, error: 'the manifest has no such rule any more', payload: entry.event });
        unlinkSync(file);
        continue;
      }
      this.track(this.deliver(rule, entry));
      resumed += 1;
    }
    return resumed;
  }

  /** Deliveries accepted and not yet finished, as the journal holds them (persistent mode only). */
  pendingInJournal(): number {
    const dir = this.options.journalDir;
    return dir && existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')).length : 0;
  }

  private journalFile(id: string): string | undefined {
    return this.options.journalDir ? join(this.options.journalDir, `${id}.json`) : undefined;
  }

  /** Written whole, then renamed: a crash leaves the previous version or the new one, never half a file. */
  private record(entry: JournalEntry): void {
    const file = this.journalFile(entry.id);
    if (!file) return;
    writeFileSync(`${file}.tmp`, JSON.stringify(entry));
    renameSync(`${file}.tmp`, file);
  }

  private forget(id: string): void {
    const file = this.journalFile(id);
    if (file && existsSync(file)) unlinkSync(file);
  }

  private deadLetter(letter: { name: string; target: string; attempts: number; error: string; payload: unknown }): void {
    this.options.deadLetters.add({ kind: 'rule', ...letter, failedAt: new Date().toISOString() });
  }

  /** Starts the PutEvents endpoint on loopback; returns its URL (for AWS_ENDPOINT_URL_EVENTBRIDGE). */
  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('bus did not bind');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server?.listening) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.idle();
  }

  /** Fault injection for tests: the next `n` entries put are refused with InternalFailure. */
  failNextEntries(n: number): void {
    this.failNext = n;
  }

  /** The most recent events accepted (newest last). */
  recent(): readonly BusEvent[] {
    return [...this.events];
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves when no delivery is queued or running. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Accepts one event (what PutEvents does per entry); delivery happens in the background.
   * Any input is answered with a result entry, never an exception: invalid entries get
   * EventBridge's per-entry error codes.
   */
  put(entry: unknown): PutResult {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected failure' };
    }
    if (!isRecord(entry)) return invalid('Entry is not an object.');
    const { Source: source, DetailType: detailType, Detail: rawDetail, EventBusName: busName, Resources: resources } = entry;
    if (typeof source !== 'string' || source === '') return invalid('Parameter Source is not valid. Reason: Source is a required argument.');
    if (typeof detailType !== 'string' || detailType === '') {
      return invalid('Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    }
    if (typeof rawDetail !== 'string' || rawDetail === '') return invalid('Parameter Detail is not valid. Reason: Detail is a required argument.');
    if (busName !== undefined && busName !== null && busName !== this.options.busName) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${String(busName)} does not exist.` };
    }
    if (resources !== undefined && resources !== null && !(Array.isArray(resources) && resources.every((r) => typeof r === 'string'))) {
      return invalid('Parameter Resources is not valid. Reason: Resources must be a list of strings.');
    }
    const time = eventTime(entry.Time);
    if (time === 'invalid') return invalid('Parameter Time is not valid.');
    let detail: unknown;
    try {
      detail = JSON.parse(rawDetail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    // EventBridge wants a JSON object: `[]`, `"text"` or `42` are refused as well.
    if (!isRecord(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed. Detail must be a JSON object.' };
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: '000000000000',
      time: (time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: Array.isArray(resources) ? (resources as string[]) : [],
      detail,
    };
    this.events.push(event);
    if (this.events.length > (this.options.keep ?? 500)) this.events.shift();
    for (const rule of this.options.manifest.rules) {
      if (!matches(rule, event)) continue;
      // Journaled before PutEvents answers: once accepted, the delivery survives a crash.
      const entry: JournalEntry = { id: `${Date.now().toString(36).padStart(9, '0')}-${randomUUID()}`, rule: rule.name, attempts: 0, acceptedAt: new Date().toISOString(), event };
      this.record(entry);
      this.track(this.deliver(rule, entry));
    }
    for (const queue of this.options.queues ?? []) {
      const { source: sources, detailTypes } = queue.spec.fedBy;
      if ((sources as readonly string[]).includes(event.source) && (detailTypes as readonly string[]).includes(event['detail-type'])) queue.send(JSON.stringify(event));
    }
    return { EventId: event.id };
  }

  private track(delivery: Promise<void>): void {
    this.inFlight += 1;
    void delivery.finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  private async deliver(rule: RuleSpec, entry: JournalEntry): Promise<void> {
    this.running.add(entry.id);
    try {
      const base = this.options.retryBaseMs ?? 100;
      let lastError: unknown;
      // Like Lambda's asynchronous invocation: the first attempt and `consumerRetryAttempts` retries.
      for (let attempt = entry.attempts; attempt <= consumerRetryAttempts; attempt += 1) {
        if (attempt > 0) await sleep(localBackoffMs(attempt - 1, base));
        try {
          await this.options.invoke(rule.target, entry.event);
          this.forget(entry.id);
          return;
        } catch (error) {
          lastError = error;
          if (attempt < consumerRetryAttempts) this.record({ ...entry, attempts: attempt + 1 });
        }
      }
      this.deadLetter({ name: rule.name, target: rule.target, attempts: consumerRetryAttempts + 1, error: errorText(lastError), payload: entry.event });
      this.forget(entry.id);
    } finally {
      this.running.delete(entry.id);
    }
  }

  /** Answers one HTTP request; never rejects (a bad request must not take the process down). */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, payload: unknown) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    try {
      const target = req.headers['x-amz-target'];
      const body = await readBody(req);
      if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        reply(400, { __type: 'UnknownOperationException', message: `local bus supports PutEvents only, not ${String(target)}` });
        return;
      }
      let request: unknown;
      try {
        request = JSON.parse(body);
      } catch {
        reply(400, { __type: 'SerializationException', message: 'body is not JSON' });
        return;
      }
      const entries: unknown = isRecord(request) ? request.Entries : undefined;
      if (!Array.isArray(entries)) {
        reply(400, { __type: 'ValidationException', message: "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null" });
        return;
      }
      // Whole-call limits: AWS refuses the request, no entry is accepted.
      if (entries.length < 1 || entries.length > putEventsLimits.maxEntries) {
        const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${putEventsLimits.maxEntries}`;
        reply(400, { __type: 'ValidationException', message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}` });
        return;
      }
      if ((entries as unknown[]).reduce<number>((sum, e) => sum + entrySize(e), 0) >= putEventsLimits.totalEntryBytesBelow) {
        reply(400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
        return;
      }
      const results = (entries as unknown[]).map((entry) => this.put(entry));
      reply(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    } catch (error) {
      console.error(`[bus] request failed: ${errorText(error)}`);
      if (!res.headersSent && !res.destroyed) reply(500, { __type: 'InternalException', message: 'local bus failed to handle the request' });
      else res.destroy();
    }
  }
}
