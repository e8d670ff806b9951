/**
 * `npm run partner:send -- ...`: an example logistics-partner sender. It delivers tracking
 * events to this backend exactly the way docs/logistics-partners.md asks a partner to:
 *
 *   1. builds the body `{ "events": [...] }` (from --file, or one event from the flags)
 *   2. signs it per Standard Webhooks with the partner's `whsec_` secret, using the
 *      reference library (`new Webhook(secret).sign(msgId, timestamp, body)`)
 *   3. POSTs it to <url>/v1/webhooks/logistics/<CODE> with webhook-id, webhook-timestamp
 *      and webhook-signature
 *   4. retries with exponential backoff on 5xx, 429 and network errors, keeping the same
 *      webhook-id (and event ids) and signing again with a fresh timestamp
 *
 * usage: see `usage` below. The secret may come from PARTNER_WEBHOOK_SECRET instead of
 * --secret (keeps it out of the shell history); --url defaults to API_URL, else
 * http://127.0.0.1:$PORT (PORT default 3000).
 * Exit status: 0 on a 2xx answer, 1 otherwise, 2 on usage errors.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { trackingStatuses } from '../functions/logistics/tracking.js';
import type { TrackingStatus } from '../functions/logistics/tracking.js';

export const usage = `usage: npm run partner:send -- --partner CODE --secret whsec_... [--url http://127.0.0.1:3000]
         (--file events.json | --tracking TN --status STATUS [--flight CA123:PVG:LAX]
          [--location CN:Shanghai:PVG] [--occurred-at ISO] [--event-id ID] [--description TEXT])
         [--attempts N]
  --file       a JSON file: { "events": [...] } or a bare array of events (sent as they are)
  --status     one of: ${trackingStatuses.join(', ')}
  --flight     NUMBER:ORIGIN:DESTINATION (IATA airport codes)
  --location   COUNTRY[:CITY[:IATA]]
  --occurred-at  ISO 8601 with Z or an offset; default now
  --event-id   default a random evt_ id (reuse it to send the same event again)
  --attempts   deliveries to try before giving up on 5xx/429/network errors (default 5)
  --secret     or PARTNER_WEBHOOK_SECRET in the environment`;

/** Wrong or missing arguments (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface EventFlags {
  readonly trackingNumber: string;
  readonly status: TrackingStatus;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly flight?: { readonly number: string; readonly origin: string; readonly destination: string };
  readonly location?: { readonly country: string; readonly city?: string; readonly iata?: string };
  readonly description?: string;
}

export interface PartnerSendArgs {
  readonly partner: string;
  readonly secret: string;
  /** Full endpoint: <url>/v1/webhooks/logistics/<partner>. */
  readonly endpoint: string;
  readonly source: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'event'; readonly event: EventFlags };
  readonly attempts: number;
}

const valueFlags = [
  '--partner',
  '--secret',
  '--url',
  '--file',
  '--tracking',
  '--status',
  '--flight',
  '--location',
  '--occurred-at',
  '--event-id',
  '--description',
  '--attempts',
] as const;
type Flag = (typeof valueFlags)[number];
const isFlag = (name: string): name is Flag => (valueFlags as readonly string[]).includes(name);

const isStatus = (value: string): value is TrackingStatus => (trackingStatuses as readonly string[]).includes(value);

export interface ParseOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** For defaults: the current time and a random event id. */
  readonly now?: () => Date;
  readonly randomId?: () => string;
}

/** Parses the command line (`--flag value` or `--flag=value`); throws UsageError on misuse. */
export const parsePartnerSendArgs = (argv: readonly string[], options: ParseOptions = {}): PartnerSendArgs => {
  const env = options.env ?? {};
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!name.startsWith('--')) throw new UsageError(`unexpected argument ${arg}`);
    if (!isFlag(name)) throw new UsageError(`unknown option ${name}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${name} given twice`);
    values.set(name, value);
  }

  const partner = values.get('--partner');
  if (!partner) throw new UsageError('--partner is missing');
  if (!/^[A-Z0-9_]{2,16}$/.test(partner)) throw new UsageError(`--partner must be 2-16 characters A-Z, 0-9, _ (got ${partner})`);
  const secret = values.get('--secret') ?? env.PARTNER_WEBHOOK_SECRET;
  if (!secret) throw new UsageError('--secret is missing (or set PARTNER_WEBHOOK_SECRET)');
  if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw new UsageError('--secret must be the whsec_... secret you were given');

  const base = values.get('--url') ?? env.API_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}`;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url is not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http(s): ${base}`);
  const endpoint = `${url.href.replace(/\/+$/, '')}/v1/webhooks/logistics/${encodeURIComponent(partner)}`;

  const attemptsText = values.get('--attempts') ?? '5';
  const attempts = Number(attemptsText);
  if (!/^\d+$/.test(attemptsText) || attempts < 1 || attempts > 10) throw new UsageError('--attempts must be 1 to 10');

  const eventFlags: readonly Flag[] = ['--tracking', '--status', '--flight', '--location', '--occurred-at', '--event-id', '--description'];
  const file = values.get('--file');
  if (file !== undefined) {
    const mixed = eventFlags.filter((flag) => values.has(flag));
    if (mixed.length > 0) throw new UsageError(`--file cannot be combined with ${mixed.join(', ')}`);
    return { partner, secret, endpoint, source: { kind: 'file', path: file }, attempts };
  }

  const trackingNumber = values.get('--tracking');
  const status = values.get('--status');
  if (!trackingNumber || !status) throw new UsageError('give --file, or --tracking and --status');
  if (!isStatus(status)) throw new UsageError(`--status must be one of ${trackingStatuses.join(', ')} (got ${status})`);

  let flight: EventFlags['flight'];
  const flightText = values.get('--flight');
  if (flightText !== undefined) {
    const [number, origin, destination, ...rest] = flightText.split(':');
    if (!number || !origin || !destination || rest.length > 0) throw new UsageError('--flight is NUMBER:ORIGIN:DESTINATION, e.g. CA123:PVG:LAX');
    flight = { number, origin, destination };
  }

  let location: EventFlags['location'];
  const locationText = values.get('--location');
  if (locationText !== undefined) {
    const [country, city, iata, ...rest] = locationText.split(':');
    if (!country || rest.length > 0) throw new UsageError('--location is COUNTRY[:CITY[:IATA]], e.g. CN:Shanghai:PVG');
    location = { country, ...(city ? { city } : {}), ...(iata ? { iata } : {}) };
  }

  const now = options.now ?? (() => new Date());
  const occurredAt = values.get('--occurred-at') ?? now().toISOString();
  const eventId = values.get('--event-id') ?? (options.randomId ?? (() => `evt_${randomBytes(10).toString('hex')}`))();
  const description = values.get('--description');
  const event: EventFlags = {
    eventId,
    trackingNumber,
    status,
    occurredAt,
    ...(location ? { location } : {}),
    ...(flight ? { flight } : {}),
    ...(description !== undefined ? { description } : {}),
  };
  return { partner, secret, endpoint, source: { kind: 'event', event }, attempts };
};

/** The request body. A file's events are sent as they are: the server is the one that validates. */
export const buildBody = (source: PartnerSendArgs['source'], readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): string => {
  if (source.kind === 'event') return JSON.stringify({ events: [source.event] });
  let text: string;
  try {
    text = readFile(source.path);
  } catch (error) {
    throw new UsageError(`cannot read ${source.path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source.path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (Array.isArray(parsed)) return JSON.stringify({ events: parsed });
  if (typeof parsed === 'object' && parsed !== null && 'events' in parsed) return JSON.stringify(parsed);
  throw new UsageError(`${source.path} must hold { "events": [...] } or an array of events`);
};

export interface DeliveryResult {
  /** HTTP status of the last attempt; undefined when the last attempt got no answer. */
  readonly status: number | undefined;
  readonly body: string;
  readonly attempts: number;
}

export interface DeliverOptions {
  readonly endpoint: string;
  readonly secret: string;
  readonly body: string;
  readonly attempts: number;
  /** Stays the same across retries: the server recognises a redelivery by it. */
  readonly msgId?: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

const retryable = (status: number): boolean => status >= 500 || status === 429;

/** Backoff before attempt n+1 (n from 1): 1 s, 2 s, 4 s, ... at most 30 s, with up to 20% jitter. */
export const backoffMs = (attempt: number, random: () => number = Math.random): number =>
  Math.round(Math.min(30_000, 1_000 * 2 ** (attempt - 1)) * (1 + 0.2 * random()));

/** Signs and POSTs the body, retrying 5xx, 429 and network errors with the same webhook-id. */
export const deliver = async (options: DeliverOptions): Promise<DeliveryResult> => {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const msgId = options.msgId ?? `msg_${randomBytes(12).toString('hex')}`;
  const webhook = new Webhook(options.secret);

  let last: DeliveryResult = { status: undefined, body: '', attempts: 0 };
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    // Each attempt is signed afresh: the timestamp must be within 5 minutes of the server's clock.
    const timestamp = now();
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': webhook.sign(msgId, timestamp, options.body),
    };
    try {
      const response = await send(options.endpoint, { method: 'POST', headers, body: options.body });
      last = { status: response.status, body: await response.text(), attempts: attempt };
      if (!retryable(response.status)) return last;
      log(`attempt ${attempt}: HTTP ${response.status}`);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      last = { status: undefined, body: cause, attempts: attempt };
      log(`attempt ${attempt}: no answer (${cause})`);
    }
    if (attempt < options.attempts) {
      const wait = backoffMs(attempt);
      log(`retrying in ${(wait / 1000).toFixed(1)} s with the same webhook-id ${msgId}`);
      await sleep(wait);
    }
  }
  return last;
};

const run = async (argv: readonly string[]): Promise<number> => {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  let args: PartnerSendArgs;
  let body: string;
  try {
    args = parsePartnerSendArgs(argv, { env: process.env });
    body = buildBody(args.source);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`partner:send: ${error.message}\n${usage}`);
    return 2;
  }
  const msgId = `msg_${randomBytes(12).toString('hex')}`;
  console.log(`POST ${args.endpoint}`);
  console.log(`webhook-id: ${msgId}`);
  console.log(`body: ${body}`);
  const result = await deliver({ endpoint: args.endpoint, secret: args.secret, body, attempts: args.attempts, msgId, log: console.log });
  if (result.status === undefined) {
    console.error(`no answer after ${result.attempts} attempt(s): ${result.body} (is the backend running at ${args.endpoint}?)`);
    return 1;
  }
  console.log(`HTTP ${result.status}${result.body ? ` ${result.body}` : ''}`);
  return result.status >= 200 && result.status < 300 ? 0 : 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`partner:send failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
