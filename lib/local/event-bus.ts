/**
 * The local event bus. It speaks enough of EventBridge's wire protocol (PutEvents,
 * AWS JSON 1.1) for the real SDK client in the outbox relay to talk to it, applies the
 * manifest's rules, delivers to targets asynchronously with retries, and dead-letters
 * what still fails, like a rule target's retry policy and DLQ on AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { consumerRetryAttempts, type Manifest, type RuleSpec } from '../manifest.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { Invoke } from './invoke.js';
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

interface PutEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
}

export interface LocalBusOptions {
  readonly busName: string;
  readonly manifest: Manifest;
  readonly invoke: Invoke;
  readonly deadLetters: DeadLetterStore;
  readonly retryBaseMs?: number;
  /** How many recent events `recent()` keeps. */
  readonly keep?: number;
}

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

  constructor(private readonly options: LocalBusOptions) {}

  /** Starts the PutEvents endpoint on loopback; returns its URL (for AWS_ENDPOINT_URL_EVENTBRIDGE). */
  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('bus did not bind');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
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

  /** Accepts one event (what PutEvents does per entry); delivery happens in the background. */
  put(entry: PutEntry): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected failure' };
    }
    if (!entry.Source || !entry.DetailType || !entry.Detail) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Source, DetailType and Detail are required' };
    }
    if (entry.EventBusName && entry.EventBusName !== this.options.busName) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `no event bus ${entry.EventBusName}` };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
    }
    const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : entry.Time ? new Date(entry.Time) : new Date();
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'local',
      resources: [],
      detail,
    };
    this.events.push(event);
    if (this.events.length > (this.options.keep ?? 500)) this.events.shift();
    for (const rule of this.options.manifest.rules) if (matches(rule, event)) this.track(this.deliver(rule, event));
    return { EventId: event.id };
  }

  private track(delivery: Promise<void>): void {
    this.inFlight += 1;
    void delivery.finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  private async deliver(rule: RuleSpec, event: BusEvent): Promise<void> {
    const base = this.options.retryBaseMs ?? 100;
    let lastError: unknown;
    // Like Lambda's asynchronous invocation: the first attempt and `consumerRetryAttempts` retries.
    for (let attempt = 0; attempt <= consumerRetryAttempts; attempt += 1) {
      if (attempt > 0) await sleep(localBackoffMs(attempt - 1, base));
      try {
        await this.options.invoke(rule.target, event);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.options.deadLetters.add({
      kind: 'rule',
      name: rule.name,
      target: rule.target,
      attempts: consumerRetryAttempts + 1,
      error: errorText(lastError),
      failedAt: new Date().toISOString(),
      payload: event,
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.headers['x-amz-target'];
    const body = await readBody(req);
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      reply(400, { __type: 'UnknownOperationException', message: `local bus supports PutEvents only, not ${String(target)}` });
      return;
    }
    let entries: PutEntry[];
    try {
      entries = (JSON.parse(body) as { Entries?: PutEntry[] }).Entries ?? [];
    } catch {
      reply(400, { __type: 'SerializationException', message: 'body is not JSON' });
      return;
    }
    const results = entries.map((entry) => this.put(entry));
    reply(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
  }
}
