/**
 * The local runtime: the manifest's handlers behind a local HTTP API, a local event bus
 * applying the manifest's rules, and a stream poller feeding the manifest's stream
 * consumers, on a table in DynamoDB Local. Everything is derived from the manifest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { manifest as defaultManifest, secretEnv, type Manifest, type SecretName } from '../manifest.js';
import { ensureTable } from './create-table.js';
import { DeadLetterStore } from './dead-letters.js';
import { LocalEventBus } from './event-bus.js';
import { createHttpServer, type LocalRoutes } from './http-server.js';
import { loadHandlers, type Invoke } from './invoke.js';
import { StreamPoller, streamsClientFor } from './stream-poller.js';
import { LocalClock } from './clock.js';

const clockRequest = z.object({ to: z.string().optional() });

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
import { LocalQueue } from './queue.js';

export interface RuntimeOptions {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly secrets: Readonly<Record<SecretName, string>>;
  /** 0 picks a free port. */
  readonly port: number;
  readonly manifest?: Manifest;
  /** Directory for dead letters and stream checkpoints; omit to keep them in memory. */
  readonly stateDir?: string;
  readonly busName?: string;
  readonly retryBaseMs?: number;
  readonly pollIntervalMs?: number;
  readonly logLevel?: string;
  /** Where the Stripe SDK sends requests (the offline stand-in); omit for real Stripe. */
  readonly stripeApiBase?: string;
  /**
   * When set, schedules with a `rate(N minute[s])` expression run every N times this many ms
   * (`npm start`: 60000, as on AWS). Tests leave it unset and run schedules themselves.
   */
  readonly minuteScheduleMs?: number;
}

export interface Runtime {
  readonly url: string;
  readonly bus: LocalEventBus;
  readonly deadLetters: DeadLetterStore;
  readonly invoke: Invoke;
  runSchedule(name: string): Promise<unknown>;
  /** Waits until the stream and the bus are both quiet (all consequences of earlier writes delivered). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The environment the handlers read, as on Lambda; the SDK endpoints point at the local services. */
const handlerEnvironment = (options: RuntimeOptions, busUrl: string, busName: string): Record<string, string> => ({
  STAGE: 'local',
  TABLE_NAME: options.tableName,
  EVENT_BUS_NAME: busName,
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: options.dynamoEndpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: busUrl,
  POWERTOOLS_SERVICE_NAME: 'xborder',
  POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL ?? 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  ...(options.stripeApiBase ? { STRIPE_API_BASE: options.stripeApiBase } : {}),
  ...Object.fromEntries(Object.entries(secretEnv).map(([name, env]) => [env, options.secrets[name as SecretName]])),
});

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const isOperator = (req: IncomingMessage, adminKey: string): boolean => {
  const match = /^bearer +(\S+)$/i.exec((req.headers.authorization ?? '').trim());
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), sha256(adminKey));
};

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

/** What has started so far, stopped in reverse order; used when start-up fails part way. */
const stopAll = async (started: Array<() => Promise<void> | void>): Promise<void> => {
  for (const stop of started.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error('[runtime] cleanup after a failed start:', error);
    }
  }
};

export const startRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const started: Array<() => Promise<void> | void> = [];
  try {
    return await startParts(options, started);
  } catch (error) {
    // Leave nothing behind: a bus server, poller or client left running would keep the
    // process alive (or keep polling) after the caller has been told the start failed.
    await stopAll(started);
    throw error;
  }
};

const startParts = async (options: RuntimeOptions, started: Array<() => Promise<void> | void>): Promise<Runtime> => {
  const manifest = options.manifest ?? defaultManifest;
  const busName = options.busName ?? 'xborder-local';
  const deadLetters = new DeadLetterStore(options.stateDir ? join(options.stateDir, 'dead-letters.jsonl') : undefined);

  let invokeTarget: Invoke = () => Promise.reject(new Error('handlers not loaded'));
  const queues = (manifest.queues ?? []).map(
    (spec) => new LocalQueue(spec, (name, event) => invokeTarget(name, event), deadLetters, options.retryBaseMs),
  );
  const bus = new LocalEventBus({
    busName,
    manifest,
    invoke: (name, event) => invokeTarget(name, event),
    deadLetters,
    queues,
    ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
    ...(options.stateDir ? { journalDir: join(options.stateDir, 'bus-deliveries') } : {}),
  });
  started.push(() => bus.close());
  started.push(async () => {
    for (const queue of queues) await queue.close();
  });
  const busUrl = await bus.listen();
  Object.assign(process.env, handlerEnvironment(options, busUrl, busName));
  const clock = new LocalClock(options.stateDir ? join(options.stateDir, 'local-clock.json') : undefined);
  clock.apply();

  const dynamodb = new DynamoDBClient({ endpoint: options.dynamoEndpoint, region: 'local', credentials: localCredentials });
  started.push(() => dynamodb.destroy());
  await ensureTable(dynamodb, options.tableName);
  const invoke = await loadHandlers(manifest);
  invokeTarget = invoke;
  // What a crash left accepted but undelivered (e.g. a PayoutRunRequested mid-run) is retried now.
  const resumed = bus.resume();
  if (resumed > 0) console.log(`[bus] resuming ${resumed} delivery(ies) accepted before the last stop`);

  const streams = streamsClientFor(options.dynamoEndpoint);
  started.push(() => streams.destroy());
  const poller = new StreamPoller({
    dynamodb,
    streams,
    tableName: options.tableName,
    manifest,
    invoke,
    deadLetters,
    ...(options.stateDir ? { checkpointFile: join(options.stateDir, `stream-checkpoints-${options.tableName}.json`) } : {}),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
  });
  started.push(() => poller.stop());
  await poller.start();

  const runSchedule = async (name: string): Promise<unknown> => {
    const schedule = manifest.schedules.find((s) => s.name === name);
    if (!schedule) throw new Error(`no schedule ${name}`);
    // EventBridge Scheduler invokes a Lambda target with the schedule's input as the event.
    return invoke(schedule.function, schedule.input ?? {});
  };

  const timers = options.minuteScheduleMs === undefined ? [] : minuteSchedules(manifest, options.minuteScheduleMs, runSchedule);
  started.push(() => timers.forEach((timer) => clearInterval(timer)));

  const localRoutes: LocalRoutes = async (req, res, url, body) => {
    if (!url.pathname.startsWith('/local/')) return false;
    if (!isOperator(req, options.secrets.adminApiKey)) {
      json(res, 401, { type: '/problems/unauthenticated', title: 'Unauthenticated', status: 401, code: 'unauthenticated', detail: 'Local operator routes need the admin key.' });
      return true;
    }
    const schedule = /^\/local\/schedules\/([\w-]+)$/.exec(url.pathname)?.[1];
    if (url.pathname === '/local/clock' && (req.method === 'GET' || req.method === 'POST')) {
      // Time travel for trying monthly jobs: business rules read "now" through functions/shared/clock.ts.
      if (req.method === 'POST') {
        const request = clockRequest.safeParse(parseJson(body.toString('utf8') || '{}'));
        const to = request.success ? request.data.to : undefined;
        const target = to ? Date.parse(to) : Date.now();
        if (!request.success || Number.isNaN(target)) {
          json(res, 400, { type: '/problems/validation_failed', title: 'Validation failed', status: 400, code: 'validation_failed', detail: '`to` must be an ISO 8601 time' });
          return true;
        }
        clock.set(target - Date.now());
      }
      json(res, 200, { now: new Date(Date.now() + clock.offsetMs()).toISOString(), offsetMs: clock.offsetMs() });
    } else if (req.method === 'GET' && url.pathname === '/local/dead-letters') json(res, 200, { data: deadLetters.list() });
    else if (req.method === 'GET' && url.pathname === '/local/events') json(res, 200, { data: bus.recent() });
    else if (req.method === 'GET' && url.pathname === '/local/schedules') json(res, 200, { data: manifest.schedules });
    else if (req.method === 'POST' && schedule) {
      if (!manifest.schedules.some((s) => s.name === schedule)) {
        json(res, 404, { type: '/problems/not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No schedule ${schedule}.` });
      } else {
        try {
          json(res, 200, { schedule, result: (await runSchedule(schedule)) ?? null });
        } catch (error) {
          json(res, 500, { type: '/problems/internal_error', title: 'Schedule failed', status: 500, code: 'internal_error', detail: error instanceof Error ? error.message : String(error) });
        }
      }
    } else json(res, 404, { type: '/problems/not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No local route ${req.method} ${url.pathname}.` });
    return true;
  };

  const server: Server = createHttpServer(manifest, invoke, localRoutes);
  const closeServer = async (): Promise<void> => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  started.push(closeServer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('HTTP server did not bind');

  return {
    url: `http://127.0.0.1:${address.port}`,
    bus,
    deadLetters,
    invoke,
    runSchedule,
    settle: async () => {
      for (let round = 0; round < 50; round += 1) {
        await poller.drained();
        await bus.idle();
        for (const queue of queues) await queue.idle();
        await poller.drained();
        if (!bus.busy && !queues.some((queue) => queue.busy)) return;
      }
    },
    stop: async () => {
      // HTTP server first, then the poller (its last batch completes), the bus (its deliveries
      // complete), and the clients.
      await closeServer();
      timers.forEach((timer) => clearInterval(timer));
      await poller.stop();
      await bus.close();
      for (const queue of queues) await queue.close();
      streams.destroy();
      dynamodb.destroy();
    },
  };
};

/** Timers running the `rate(N minute[s])` schedules locally; an overlapping run is skipped. */
const minuteSchedules = (manifest: Manifest, minuteMs: number, run: (name: string) => Promise<unknown>): NodeJS.Timeout[] =>
  manifest.schedules.flatMap((schedule) => {
    const minutes = /^rate\((\d+) minutes?\)$/.exec(schedule.expression)?.[1];
    if (minutes === undefined) return [];
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      run(schedule.name)
        .catch((error: unknown) => console.error(`[runtime] schedule ${schedule.name} failed:`, error))
        .finally(() => {
          running = false;
        });
    }, Number(minutes) * minuteMs);
    timer.unref();
    return [timer];
  });
