/**
 * The wiring manifest: every function, HTTP route, event rule, stream consumer
 * and schedule of the system, as plain data (no CDK imports). The CDK stateless
 * stack and the local runtime (lib/local) are both built from it, so reading this
 * file shows the whole system.
 */
import { eventCatalogue, eventSources, type DetailType, type EventSource } from '../events/catalogue.js';
import type { RouteAuth, SecretName } from '../functions/shared/contracts.js';
import { auditedEvents } from '../functions/platform/audited-events.js';
import { consoleFiles, docsRendererFiles, openApiFiles } from '../functions/platform/page-files.js';
import type { ShippedFiles } from '../functions/shared/shipped-file.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
export type TableAccess = 'none' | 'read' | 'write';

export { roles, secretEnv, type Role, type RouteAuth, type SecretName } from '../functions/shared/contracts.js';

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
  /**
   * Files it serves as they are, shipped beside its bundle (functions/shared/shipped-file.ts):
   * the name there -> the path in the project.
   */
  readonly files?: ShippedFiles;
  /**
   * `false`: bundled without a source map. For the plain routes (functions/shared/plain-route.ts):
   * a few KB that log nothing, whose map was most of what they took to import beyond a bare handler.
   */
  readonly sourceMap?: false;
}

export interface RouteSpec<F extends string = string> {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path template: `/v1/orders/{id}`; `$default` catches what no other route serves. */
  readonly path: string;
  /** `public` needs no key; otherwise the roles whose keys may call it. */
  readonly auth: RouteAuth;
  readonly function: F;
}

/**
 * EventBridge and Scheduler invoke their Lambda targets asynchronously: when the function
 * itself fails, Lambda retries it this many times and then sends the event to the
 * function's on-failure destination (an SQS queue on AWS, the dead-letter record locally).
 */
export const consumerRetryAttempts = 2;

/** A function's timeout unless its spec says otherwise (Lambda on AWS; enforced locally too). */
export const defaultTimeoutSeconds = 10;

export interface RuleSpec<F extends string = string> {
  readonly name: string;
  readonly source: readonly EventSource[];
  readonly detailTypes: readonly DetailType[];
  readonly target: F;
  /** EventBridge's retries of a failed delivery (throttled, unreachable target) before the rule's dead-letter queue. */
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

/**
 * An SQS queue fed by an EventBridge rule (events matching `fedBy`) and consumed by a
 * function (SQS event source, partial batch responses). Messages a consumer reports as
 * failed `maxReceiveCount` times move to the queue's dead-letter queue. Locally the runtime
 * keeps the queue in memory with the same receive count and dead-letters what exhausts it.
 */
export interface QueueSpec<F extends string = string> {
  readonly name: string;
  readonly description: string;
  readonly fedBy: { readonly source: readonly EventSource[]; readonly detailTypes: readonly DetailType[] };
  readonly function: F;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxReceiveCount: number;
  /** At least six times the consumer's timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Alarm when the oldest message has waited this long (the consumer is stuck or failing). */
  readonly maxMessageAgeSeconds: number;
}

/** API Gateway's catch-all route key. */
export const defaultRoutePath = '$default';

const functions = {
  notFound: {
    entry: 'functions/platform/not-found.ts',
    description: 'The $default route: problem+json 404 for every unknown path or method',
    table: 'none',
    sourceMap: false,
  },
  health: {
    entry: 'functions/platform/health.ts',
    description: 'GET /health: answers once the table is reachable',
    table: 'read',
  },
  createApiKey: {
    entry: 'functions/platform/create-api-key.ts',
    description: 'Operator issues finance API keys and further merchant keys',
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
  enrolMerchant: {
    entry: 'functions/platform/enrol-merchant.ts',
    description: 'Operator enrols a pilot merchant and issues its API key',
    table: 'write',
  },
  putProduct: {
    entry: 'functions/orders/put-product.ts',
    description: 'Merchant creates or replaces a catalogue entry',
    table: 'write',
  },
  getProduct: {
    entry: 'functions/orders/get-product.ts',
    description: 'Merchant reads a catalogue entry',
    table: 'read',
  },
  listProducts: {
    entry: 'functions/orders/list-products.ts',
    description: "Merchant lists its catalogue",
    table: 'read',
    secrets: ['cursorKey'],
  },
  createOrder: {
    entry: 'functions/orders/create-order.ts',
    description: 'Merchant places a cross-border order (landed cost, Stripe PaymentIntent)',
    table: 'write',
    secrets: ['stripeSecretKey'],
  },
  getOrder: {
    entry: 'functions/orders/get-order.ts',
    description: 'Merchant reads one of its orders',
    table: 'read',
  },
  listOrders: {
    entry: 'functions/orders/list-orders.ts',
    description: 'Merchant lists its orders, newest first',
    table: 'read',
    secrets: ['cursorKey'],
  },
  cancelOrder: {
    entry: 'functions/orders/cancel-order.ts',
    description: 'Merchant cancels an unpaid or paid order (paid: refunded in full)',
    table: 'write',
    secrets: ['stripeSecretKey'],
  },
  createRefund: {
    entry: 'functions/orders/create-refund.ts',
    description: 'Merchant refunds part or all of a paid order',
    table: 'write',
    secrets: ['stripeSecretKey'],
  },
  stripeWebhook: {
    entry: 'functions/payments/stripe-webhook.ts',
    description: 'Stripe webhook: payments, failures and refunds (signature verified)',
    table: 'write',
    secrets: ['stripeWebhookSecret', 'stripeSecretKey'],
  },
  openApi: {
    entry: 'functions/platform/openapi.ts',
    description: 'GET /openapi.json: the OpenAPI 3.1 document, generated from the zod schemas and these routes',
    table: 'none',
    sourceMap: false,
    files: openApiFiles,
  },
  apiDocs: {
    entry: 'functions/platform/api-docs.ts',
    description: 'GET /docs: the API reference page (Swagger UI, served from this API under a self-only CSP)',
    table: 'none',
    sourceMap: false,
  },
  root: {
    entry: 'functions/platform/root.ts',
    description: 'GET /: redirects to the API reference (/docs); the body points to the rest',
    table: 'none',
    sourceMap: false,
  },
  problemPage: {
    entry: 'functions/platform/problem-page.ts',
    description: 'GET /problems/{code}: the page a problem type URI resolves to (English or Simplified Chinese)',
    table: 'none',
    sourceMap: false,
  },
  apiDocsAssets: {
    entry: 'functions/platform/api-docs-assets.ts',
    description: "GET /docs/{asset}: the reference page's script and stylesheet (swagger-ui-dist, shipped beside the bundle)",
    table: 'none',
    sourceMap: false,
    files: docsRendererFiles,
  },
  registerPartner: {
    entry: 'functions/logistics/register-partner.ts',
    description: 'Operator registers a logistics partner and receives its webhook secret once',
    table: 'write',
    secrets: ['partnerSecretsKey'],
  },
  rotatePartnerSecret: {
    entry: 'functions/logistics/rotate-partner-secret.ts',
    description: "Operator starts a rollover of a partner's webhook secret",
    table: 'write',
    secrets: ['partnerSecretsKey'],
  },
  retirePartnerSecret: {
    entry: 'functions/logistics/retire-partner-secret.ts',
    description: "Operator ends a rollover by retiring a partner's old webhook secret",
    table: 'write',
  },
  listUnknownTracking: {
    entry: 'functions/logistics/list-unknown-tracking.ts',
    description: 'Operator inspects events a partner sent for numbers nobody booked',
    table: 'read',
    secrets: ['cursorKey'],
  },
  bookShipment: {
    entry: 'functions/logistics/book-shipment.ts',
    description: 'Merchant books a parcel of a paid order with a logistics partner',
    table: 'write',
  },
  partnerWebhook: {
    entry: 'functions/logistics/partner-webhook.ts',
    description: 'Logistics partner webhook: signed batches of tracking events (Standard Webhooks)',
    table: 'write',
    secrets: ['partnerSecretsKey'],
  },
  getTracking: {
    entry: 'functions/logistics/get-tracking.ts',
    description: 'Public tracking page data by tracking number',
    table: 'read',
  },
  projectShipments: {
    entry: 'functions/orders/project-shipments.ts',
    description: "Moves orders to shipped and delivered from their parcels' status changes",
    table: 'write',
  },
  detectStalls: {
    entry: 'functions/logistics/detect-stalls.ts',
    description: 'Finds shipments with no event for 72 hours and reports each stall once',
    table: 'write',
    timeoutSeconds: 300,
  },
  createAgency: {
    entry: 'functions/payouts/create-agency.ts',
    description: 'Operator registers an MCN agency',
    table: 'write',
  },
  createCreator: {
    entry: 'functions/payouts/create-creator.ts',
    description: 'Operator registers a creator (agency or personal contract)',
    table: 'write',
  },
  patchCreator: {
    entry: 'functions/payouts/patch-creator.ts',
    description: "Operator changes a creator's terms (a new version, valid from now)",
    table: 'write',
  },
  accrueCommission: {
    entry: 'functions/payouts/accrue-commission.ts',
    description: "Accrues the attributed creator's commission when an order is delivered",
    table: 'write',
  },
  reverseCommission: {
    entry: 'functions/payouts/reverse-commission.ts',
    description: 'Reverses commission in proportion to refunds',
    table: 'write',
  },
  startPayoutRun: {
    entry: 'functions/payouts/start-payout-run.ts',
    description: "Finance starts a period's payout run (exactly one per period)",
    table: 'write',
  },
  getPayoutRun: {
    entry: 'functions/payouts/get-payout-run.ts',
    description: 'Finance reads a payout run',
    table: 'read',
  },
  payoutRunReport: {
    entry: 'functions/payouts/payout-run-report.ts',
    description: 'Finance downloads a payout run report (JSON or CSV)',
    table: 'read',
    secrets: ['cursorKey'],
  },
  processPayoutRun: {
    entry: 'functions/payouts/process-payout-run.ts',
    description: 'Processes (or resumes) a payout run: lines, withholding, ledger',
    table: 'write',
    timeoutSeconds: 900,
  },
  monthlyPayoutRun: {
    entry: 'functions/payouts/monthly-payout-run.ts',
    description: "Monthly: starts the previous period's payout run",
    table: 'write',
  },
  listPayoutRuns: {
    entry: 'functions/payouts/list-payout-runs.ts',
    description: 'Finance lists payout runs, newest period first',
    table: 'read',
    secrets: ['cursorKey'],
  },
  outboxRelay: {
    entry: 'functions/platform/outbox-relay.ts',
    description: 'Relays outbox items from the table stream to the event bus',
    table: 'none',
    publishes: Object.values(eventSources),
    timeoutSeconds: 60,
  },
  listStripeEvents: {
    entry: 'functions/payments/list-stripe-events.ts',
    description: 'Operator reads Stripe events that matched no order (kept, acknowledged)',
    table: 'read',
    secrets: ['cursorKey'],
  },
  listApiKeys: {
    entry: 'functions/platform/list-api-keys.ts',
    description: 'Operator lists API keys by role and merchant (never the key)',
    table: 'read',
    secrets: ['cursorKey'],
  },
  revokeApiKey: {
    entry: 'functions/platform/revoke-api-key.ts',
    description: 'Operator revokes an API key',
    table: 'write',
  },
  rotateApiKey: {
    entry: 'functions/platform/rotate-api-key.ts',
    description: 'Merchant rotates its own API key (the old one works 24 more hours)',
    table: 'write',
  },
  listMerchants: {
    entry: 'functions/platform/list-merchants.ts',
    description: 'Operator lists merchants, newest first',
    table: 'read',
    secrets: ['cursorKey'],
  },
  getMerchant: {
    entry: 'functions/platform/get-merchant.ts',
    description: 'Operator reads a merchant',
    table: 'read',
  },
  listPartners: {
    entry: 'functions/platform/list-partners.ts',
    description: 'Operator lists logistics partners (never their secrets)',
    table: 'read',
    secrets: ['cursorKey'],
  },
  listAgencies: {
    entry: 'functions/platform/list-agencies.ts',
    description: 'Operator lists MCN agencies',
    table: 'read',
    secrets: ['cursorKey'],
  },
  listCreators: {
    entry: 'functions/platform/list-creators.ts',
    description: 'Operator lists creators with their current terms',
    table: 'read',
    secrets: ['cursorKey'],
  },
  getCreator: {
    entry: 'functions/platform/get-creator.ts',
    description: 'Operator reads a creator with its commission entries',
    table: 'read',
    secrets: ['cursorKey'],
  },
  patchMerchant: {
    entry: 'functions/platform/patch-merchant.ts',
    description: "Operator changes a merchant's take rate (for orders placed from now on)",
    table: 'write',
  },
  settleMerchantOrders: {
    entry: 'functions/payouts/settle-merchant-orders.ts',
    description: "Merchant settlement of an order: collection, accrual on delivery, refunds, cancellation",
    table: 'write',
  },
  getBalance: {
    entry: 'functions/payouts/get-balance.ts',
    description: 'Merchant reads its balance: pending, available, paid (CNY)',
    table: 'read',
  },
  listSettlements: {
    entry: 'functions/payouts/list-settlements.ts',
    description: 'Merchant lists its settled periods',
    table: 'read',
    secrets: ['cursorKey'],
  },
  getSettlementStatement: {
    entry: 'functions/payouts/get-settlement-statement.ts',
    description: "Merchant downloads a period's settlement statement (JSON or CSV)",
    table: 'read',
    secrets: ['cursorKey'],
  },
  merchantStatementsReport: {
    entry: 'functions/payouts/merchant-statements-report.ts',
    description: "Finance downloads a payout run's merchant statements (JSON or CSV)",
    table: 'read',
    secrets: ['cursorKey'],
  },
  periodPreview: {
    entry: 'functions/payouts/period-preview.ts',
    description: 'Finance previews what a payout run for a period would pay now (reads only)',
    table: 'read',
    secrets: ['cursorKey'],
  },
  createWebhookEndpoint: {
    entry: 'functions/notifications/create-endpoint.ts',
    description: 'Merchant registers a webhook endpoint and receives its secret once',
    table: 'write',
    secrets: ['partnerSecretsKey'],
  },
  listWebhookEndpoints: {
    entry: 'functions/notifications/list-endpoints.ts',
    description: "Merchant lists its webhook endpoints",
    table: 'read',
    secrets: ['cursorKey'],
  },
  getWebhookEndpoint: {
    entry: 'functions/notifications/get-endpoint.ts',
    description: 'Merchant reads one of its webhook endpoints',
    table: 'read',
  },
  updateWebhookEndpoint: {
    entry: 'functions/notifications/update-endpoint.ts',
    description: "Merchant changes a webhook endpoint's url, events or status",
    table: 'write',
  },
  deleteWebhookEndpoint: {
    entry: 'functions/notifications/delete-endpoint.ts',
    description: 'Merchant deletes a webhook endpoint',
    table: 'write',
  },
  rollWebhookSecret: {
    entry: 'functions/notifications/roll-endpoint-secret.ts',
    description: "Merchant rolls a webhook endpoint's secret (old and new sign for 24 h)",
    table: 'write',
    secrets: ['partnerSecretsKey'],
  },
  listWebhookDeliveries: {
    entry: 'functions/notifications/list-deliveries.ts',
    description: "Merchant reads a webhook endpoint's delivery log",
    table: 'read',
    secrets: ['cursorKey'],
  },
  retryWebhookDelivery: {
    entry: 'functions/notifications/retry-delivery.ts',
    description: 'Merchant sends a webhook delivery again',
    table: 'write',
  },
  fanOutWebhooks: {
    entry: 'functions/notifications/fan-out.ts',
    description: "Domain events -> one delivery record per matching merchant webhook endpoint",
    table: 'write',
  },
  dispatchWebhooks: {
    entry: 'functions/notifications/dispatch.ts',
    description: 'Delivery queue consumer: signs (Standard Webhooks) and POSTs merchant webhooks',
    table: 'write',
    secrets: ['partnerSecretsKey'],
    timeoutSeconds: 60,
  },
  retryWebhookDeliveries: {
    entry: 'functions/notifications/retry-due.ts',
    description: 'Every minute: puts webhook deliveries whose retry is due back on the delivery queue',
    table: 'write',
    timeoutSeconds: 120,
  },
  financeConsole: {
    entry: 'functions/platform/console.ts',
    description: 'GET /console: the finance console page (served from this API under a self-only CSP)',
    table: 'none',
    sourceMap: false,
  },
  financeConsoleAssets: {
    entry: 'functions/platform/console-assets.ts',
    description: "GET /console/{asset}: the finance console's script and stylesheet (built from console/src with uPlot, shipped beside the bundle)",
    table: 'none',
    sourceMap: false,
    files: consoleFiles,
  },
  getPayoutRunLine: {
    entry: 'functions/payouts/get-payout-run-line.ts',
    description: 'Finance reads a payout line with the commission entries and orders behind it',
    table: 'read',
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

const routes: readonly RouteSpec<FunctionName>[] = [
  { method: 'GET', path: '/health', auth: 'public', function: 'health' },
  { method: 'POST', path: '/v1/admin/api-keys', auth: ['admin'], function: 'createApiKey' },
  { method: 'GET', path: '/v1/admin/audit-events', auth: ['admin'], function: 'listAuditEvents' },
  { method: 'POST', path: '/v1/admin/merchants', auth: ['admin'], function: 'enrolMerchant' },
  { method: 'PUT', path: '/v1/products/{sku}', auth: ['merchant'], function: 'putProduct' },
  { method: 'GET', path: '/v1/products/{sku}', auth: ['merchant'], function: 'getProduct' },
  { method: 'GET', path: '/v1/products', auth: ['merchant'], function: 'listProducts' },
  { method: 'POST', path: '/v1/orders', auth: ['merchant'], function: 'createOrder' },
  { method: 'GET', path: '/v1/orders/{id}', auth: ['merchant'], function: 'getOrder' },
  { method: 'GET', path: '/v1/orders', auth: ['merchant'], function: 'listOrders' },
  { method: 'POST', path: '/v1/orders/{id}/cancel', auth: ['merchant'], function: 'cancelOrder' },
  { method: 'POST', path: '/v1/orders/{id}/refunds', auth: ['merchant'], function: 'createRefund' },
  { method: 'POST', path: '/v1/webhooks/stripe', auth: 'public', function: 'stripeWebhook' },
  { method: 'POST', path: '/v1/admin/logistics-partners', auth: ['admin'], function: 'registerPartner' },
  { method: 'POST', path: '/v1/admin/logistics-partners/{code}/secrets', auth: ['admin'], function: 'rotatePartnerSecret' },
  { method: 'DELETE', path: '/v1/admin/logistics-partners/{code}/secrets/{secretId}', auth: ['admin'], function: 'retirePartnerSecret' },
  { method: 'GET', path: '/v1/admin/logistics-partners/{code}/unknown-tracking', auth: ['admin'], function: 'listUnknownTracking' },
  { method: 'POST', path: '/v1/orders/{id}/shipments', auth: ['merchant'], function: 'bookShipment' },
  { method: 'POST', path: '/v1/webhooks/logistics/{partnerCode}', auth: 'public', function: 'partnerWebhook' },
  { method: 'GET', path: '/v1/tracking/{trackingNumber}', auth: 'public', function: 'getTracking' },
  { method: 'GET', path: '/openapi.json', auth: 'public', function: 'openApi' },
  { method: 'GET', path: '/docs', auth: 'public', function: 'apiDocs' },
  { method: 'GET', path: '/docs/{asset}', auth: 'public', function: 'apiDocsAssets' },
  { method: 'GET', path: '/', auth: 'public', function: 'root' },
  { method: 'GET', path: '/problems/{code}', auth: 'public', function: 'problemPage' },
  { method: 'POST', path: '/v1/admin/agencies', auth: ['admin'], function: 'createAgency' },
  { method: 'POST', path: '/v1/admin/creators', auth: ['admin'], function: 'createCreator' },
  { method: 'PATCH', path: '/v1/admin/creators/{id}', auth: ['admin'], function: 'patchCreator' },
  { method: 'POST', path: '/v1/payout-runs', auth: ['finance'], function: 'startPayoutRun' },
  { method: 'GET', path: '/v1/payout-runs/{id}', auth: ['finance'], function: 'getPayoutRun' },
  { method: 'GET', path: '/v1/payout-runs/{id}/report', auth: ['finance'], function: 'payoutRunReport' },
  { method: 'GET', path: '/v1/admin/api-keys', auth: ['admin'], function: 'listApiKeys' },
  { method: 'DELETE', path: '/v1/admin/api-keys/{id}', auth: ['admin'], function: 'revokeApiKey' },
  { method: 'POST', path: '/v1/api-keys/rotate', auth: ['merchant'], function: 'rotateApiKey' },
  { method: 'GET', path: '/v1/admin/merchants', auth: ['admin'], function: 'listMerchants' },
  { method: 'GET', path: '/v1/admin/merchants/{id}', auth: ['admin'], function: 'getMerchant' },
  { method: 'GET', path: '/v1/admin/logistics-partners', auth: ['admin'], function: 'listPartners' },
  { method: 'GET', path: '/v1/admin/agencies', auth: ['admin'], function: 'listAgencies' },
  { method: 'GET', path: '/v1/admin/creators', auth: ['admin'], function: 'listCreators' },
  { method: 'GET', path: '/v1/admin/creators/{id}', auth: ['admin'], function: 'getCreator' },
  { method: 'GET', path: '/v1/admin/stripe-events', auth: ['admin'], function: 'listStripeEvents' },
  { method: 'GET', path: '/v1/payout-runs', auth: ['finance'], function: 'listPayoutRuns' },
  { method: 'ANY', path: defaultRoutePath, auth: 'public', function: 'notFound' },
  { method: 'PATCH', path: '/v1/admin/merchants/{id}', auth: ['admin'], function: 'patchMerchant' },
  { method: 'GET', path: '/v1/balance', auth: ['merchant'], function: 'getBalance' },
  { method: 'GET', path: '/v1/settlements', auth: ['merchant'], function: 'listSettlements' },
  { method: 'GET', path: '/v1/settlements/{period}/statement', auth: ['merchant'], function: 'getSettlementStatement' },
  { method: 'GET', path: '/v1/payout-runs/{id}/merchant-statements', auth: ['finance'], function: 'merchantStatementsReport' },
  { method: 'GET', path: '/v1/payout-periods/{period}/preview', auth: ['finance'], function: 'periodPreview' },
  { method: 'GET', path: '/console', auth: 'public', function: 'financeConsole' },
  { method: 'GET', path: '/console/{asset}', auth: 'public', function: 'financeConsoleAssets' },
  { method: 'GET', path: '/v1/payout-runs/{id}/lines/{creatorId}', auth: ['finance'], function: 'getPayoutRunLine' },
];

/**
 * The audit trail: every change an operator or finance makes. To audit a new change, add its
 * contract to functions/platform/audited-events.ts and pass the caller as `actor` (docs/operators.md).
 */
export const auditedDetailTypes = auditedEvents.map((e) => e.detailType) satisfies readonly DetailType[];

const webhookRoutes: readonly RouteSpec<FunctionName>[] = [
  { method: 'POST', path: '/v1/webhook-endpoints', auth: ['merchant'], function: 'createWebhookEndpoint' },
  { method: 'GET', path: '/v1/webhook-endpoints', auth: ['merchant'], function: 'listWebhookEndpoints' },
  { method: 'GET', path: '/v1/webhook-endpoints/{id}', auth: ['merchant'], function: 'getWebhookEndpoint' },
  { method: 'PATCH', path: '/v1/webhook-endpoints/{id}', auth: ['merchant'], function: 'updateWebhookEndpoint' },
  { method: 'DELETE', path: '/v1/webhook-endpoints/{id}', auth: ['merchant'], function: 'deleteWebhookEndpoint' },
  { method: 'POST', path: '/v1/webhook-endpoints/{id}/secret', auth: ['merchant'], function: 'rollWebhookSecret' },
  { method: 'GET', path: '/v1/webhook-endpoints/{id}/deliveries', auth: ['merchant'], function: 'listWebhookDeliveries' },
  { method: 'POST', path: '/v1/webhook-deliveries/{id}/retry', auth: ['merchant'], function: 'retryWebhookDelivery' },
];

const rules: readonly RuleSpec<FunctionName>[] = [
  {
    name: 'AuditPlatformEvents',
    source: [...new Set(auditedDetailTypes.map((t) => eventCatalogue[t].source))],
    detailTypes: auditedDetailTypes,
    target: 'recordAudit',
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'OrderShipmentProgress',
    source: [eventSources.logistics],
    detailTypes: ['ShipmentStatusChanged'],
    target: 'projectShipments',
    retryAttempts: 8,
    maxEventAgeSeconds: 24 * 3600,
  },
];

const payoutRules: readonly RuleSpec<FunctionName>[] = [
  {
    name: 'CommissionsOnDelivery',
    source: [eventSources.orders],
    detailTypes: ['OrderDelivered'],
    target: 'accrueCommission',
    retryAttempts: 8,
    maxEventAgeSeconds: 24 * 3600,
  },
  {
    name: 'CommissionReversals',
    source: [eventSources.payments],
    detailTypes: ['OrderRefunded'],
    target: 'reverseCommission',
    retryAttempts: 8,
    maxEventAgeSeconds: 24 * 3600,
  },
  {
    name: 'PayoutRunProcessing',
    source: [eventSources.payouts],
    detailTypes: ['PayoutRunRequested'],
    target: 'processPayoutRun',
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
  {
    name: 'MerchantSettlementOfOrders',
    source: [eventSources.orders, eventSources.payments],
    detailTypes: ['OrderPaid', 'OrderDelivered', 'OrderRefunded', 'OrderCancelled'],
    target: 'settleMerchantOrders',
    retryAttempts: 8,
    maxEventAgeSeconds: 24 * 3600,
  },
];

const webhookRules: readonly RuleSpec<FunctionName>[] = [
  {
    name: 'MerchantWebhookFanOut',
    source: [eventSources.orders, eventSources.payments, eventSources.logistics, eventSources.payouts],
    detailTypes: [
      'OrderPaid',
      'OrderPaymentFailed',
      'OrderCancelled',
      'OrderShipped',
      'OrderDelivered',
      'OrderRefunded',
      'ShipmentStatusChanged',
      'ShipmentStalled',
      'MerchantSettlementAccrued',
    ],
    target: 'fanOutWebhooks',
    retryAttempts: 8,
    maxEventAgeSeconds: 24 * 3600,
  },
];

const queues: readonly QueueSpec<FunctionName>[] = [
  {
    name: 'WebhookDeliveries',
    description: 'Merchant webhook deliveries due now (first attempts, retries, manual retries)',
    fedBy: { source: [eventSources.platform], detailTypes: ['WebhookDeliveryScheduled'] },
    function: 'dispatchWebhooks',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 6 * 60,
    maxMessageAgeSeconds: 15 * 60,
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

const schedules: readonly ScheduleSpec<FunctionName>[] = [
  {
    name: 'DetectStalledShipments',
    description: 'Hourly: non-terminal shipments with no event for 72 hours raise ShipmentStalled',
    expression: 'rate(1 hour)',
    timezone: 'UTC',
    function: 'detectStalls',
  },
  {
    name: 'MonthlyPayoutRun',
    description: "On the 1st at 03:00 Shanghai time: the previous month's payout run",
    expression: 'cron(0 3 1 * ? *)',
    timezone: 'Asia/Shanghai',
    function: 'monthlyPayoutRun',
  },
  {
    name: 'RetryWebhookDeliveries',
    description: 'Every minute: merchant webhook deliveries whose retry is due go back on the delivery queue',
    expression: 'rate(1 minute)',
    timezone: 'UTC',
    function: 'retryWebhookDeliveries',
  },
];

export interface Manifest {
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly routes: readonly RouteSpec[];
  readonly rules: readonly RuleSpec[];
  readonly streams: readonly StreamSpec[];
  readonly schedules: readonly ScheduleSpec[];
  readonly queues?: readonly QueueSpec[];
}

export const manifest = {
  functions,
  routes: [...routes, ...webhookRoutes],
  rules: [...rules, ...payoutRules, ...webhookRules],
  streams,
  schedules,
  queues,
} as const satisfies Manifest;

/** `METHOD /path` as API Gateway names it in `event.routeKey` (the catch-all is just `$default`). */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  route.path === defaultRoutePath ? defaultRoutePath : `${route.method} ${route.path}`;

export const findRoute = (key: string, m: Manifest = manifest): RouteSpec | undefined =>
  m.routes.find((r) => routeKey(r) === key);

/** Every secret a function reads: its own, plus the operator key when it serves a keyed route. */
export const secretsOf = (name: string, m: Manifest = manifest): SecretName[] => {
  const own = m.functions[name]?.secrets ?? [];
  const keyed = m.routes.some((r) => r.function === name && r.auth !== 'public');
  return [...new Set<SecretName>([...(keyed ? (['adminApiKey'] as const) : []), ...own])];
};
