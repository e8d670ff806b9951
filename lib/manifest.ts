/**
 * The wiring manifest: every function, HTTP route, event rule, stream consumer
 * and schedule of the system, as plain data (no CDK imports). The CDK stateless
 * stack and the local runtime (lib/local) are both built from it, so reading this
 * file shows the whole system.
 */
import { eventSources, type DetailType, type EventSource } from '../events/catalogue.js';

export type Role = 'admin' | 'merchant' | 'finance';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type TableAccess = 'none' | 'read' | 'write';

/**
 * Secrets a function reads. Locally the value itself is in the environment
 * variable named here; on AWS the variable `<NAME>_SECRET_ARN` points at a
 * Secrets Manager secret read once per cold start (functions/shared/secrets.ts).
 */
export const secretEnv = {
  adminApiKey: 'ADMIN_API_KEY',
  cursorKey: 'CURSOR_KEY',
  stripeSecretKey: 'STRIPE_SECRET_KEY',
  stripeWebhookSecret: 'STRIPE_WEBHOOK_SECRET',
} as const;
export type SecretName = keyof typeof secretEnv;

export interface FunctionSpec {
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly table: TableAccess;
  /** Sources it may put on the bus (only the outbox relay publishes; handlers write to the outbox). */
  readonly publishes?: readonly EventSource[];
  /** Secrets beyond `adminApiKey`, which every function behind a keyed route gets (secretsOf). */
  readonly secrets?: readonly SecretName[];
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

export interface RouteSpec<F extends string = string> {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path template: `/v1/orders/{id}`. */
  readonly path: string;
  /** `public` needs no key; otherwise the roles whose keys may call it. */
  readonly auth: 'public' | readonly Role[];
  readonly function: F;
}

export interface RuleSpec<F extends string = string> {
  readonly name: string;
  readonly source: readonly EventSource[];
  readonly detailTypes: readonly DetailType[];
  readonly target: F;
  /** Delivery attempts after the first, before the event goes to the rule's dead-letter queue. */
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
}

export interface StreamSpec<F extends string = string> {
  readonly name: string;
  readonly function: F;
  /** Only records matching this reach the function (Lambda filter criteria on AWS). */
  readonly filter: { readonly eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[]; readonly entities: readonly string[] };
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly retryAttempts: number;
}

export interface ScheduleSpec<F extends string = string> {
  readonly name: string;
  readonly description: string;
  /** EventBridge Scheduler expression: `rate(1 hour)`, `cron(0 2 1 * ? *)`. */
  readonly expression: string;
  readonly timezone: string;
  readonly function: F;
  readonly input?: Readonly<Record<string, unknown>>;
}

const functions = {
  health: {
    entry: 'functions/platform/health.ts',
    description: 'GET /health: answers once the table is reachable',
    table: 'read',
  },
  createApiKey: {
    entry: 'functions/platform/create-api-key.ts',
    description: 'Operator issues finance API keys',
    table: 'write',
  },
  listAuditEvents: {
    entry: 'functions/platform/list-audit-events.ts',
    description: 'Operator reads the audit trail',
    table: 'read',
    secrets: ['cursorKey'],
  },
  recordAudit: {
    entry: 'functions/platform/record-audit.ts',
    description: 'Records platform events in the audit trail',
    table: 'write',
  },
  outboxRelay: {
    entry: 'functions/platform/outbox-relay.ts',
    description: 'Relays outbox items from the table stream to the event bus',
    table: 'none',
    publishes: Object.values(eventSources),
    timeoutSeconds: 60,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

const routes: readonly RouteSpec<FunctionName>[] = [
  { method: 'GET', path: '/health', auth: 'public', function: 'health' },
  { method: 'POST', path: '/v1/admin/api-keys', auth: ['admin'], function: 'createApiKey' },
  { method: 'GET', path: '/v1/admin/audit-events', auth: ['admin'], function: 'listAuditEvents' },
];

const rules: readonly RuleSpec<FunctionName>[] = [
  {
    name: 'AuditPlatformEvents',
    source: [eventSources.platform],
    detailTypes: ['ApiKeyCreated'],
    target: 'recordAudit',
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
];

const streams: readonly StreamSpec<FunctionName>[] = [
  {
    name: 'OutboxRelay',
    function: 'outboxRelay',
    filter: { eventNames: ['INSERT'], entities: ['outbox'] },
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    retryAttempts: 10,
  },
];

const schedules: readonly ScheduleSpec<FunctionName>[] = [];

export interface Manifest {
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly routes: readonly RouteSpec[];
  readonly rules: readonly RuleSpec[];
  readonly streams: readonly StreamSpec[];
  readonly schedules: readonly ScheduleSpec[];
}

export const manifest = { functions, routes, rules, streams, schedules } as const satisfies Manifest;

/** `METHOD /path` as API Gateway names it in `event.routeKey`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string => `${route.method} ${route.path}`;

export const findRoute = (key: string, m: Manifest = manifest): RouteSpec | undefined =>
  m.routes.find((r) => routeKey(r) === key);

/** Every secret a function reads: its own, plus the operator key when it serves a keyed route. */
export const secretsOf = (name: string, m: Manifest = manifest): SecretName[] => {
  const own = m.functions[name]?.secrets ?? [];
  const keyed = m.routes.some((r) => r.function === name && r.auth !== 'public');
  return [...new Set<SecretName>([...(keyed ? (['adminApiKey'] as const) : []), ...own])];
};
