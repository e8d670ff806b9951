/**
 * The API documentation of every manifest route, by route key (`METHOD /path`).
 * document.ts walks `manifest.routes` and throws when a route has no entry here (or an
 * entry names no manifest route), so a route cannot ship undocumented.
 *
 * Requests use the handlers' own zod schemas (imported, never restated); answers use
 * responses.ts. Problem codes every route of a kind can answer (auth, body and parameter
 * validation, 500) are added by document.ts: `problems` lists the route's own.
 */
import * as z from 'zod/mini';
import { listOrdersQuery } from '../../orders/list-orders.js';
import { orderPath } from '../../orders/order-access.js';
import { refundBody } from '../../orders/create-refund.js';
import { createOrderBody, idempotencyKeyHeader } from '../../orders/order-requests.js';
import { productBody, skuPath } from '../../orders/product.js';
import { createApiKeyBody } from '../../platform/create-api-key.js';
import { docsCsp } from '../../platform/docs-page.js';
import { consoleCsp } from '../../platform/console-page.js';
import { enrolMerchantBody } from '../../platform/enrol-merchant.js';
import { bookShipmentBody } from '../../logistics/book-shipment.js';
import { trackingPath, trackingQuery } from '../../logistics/get-tracking.js';
import { partnerWebhookPath } from '../../logistics/partner-webhook.js';
import { partnerPath } from '../../logistics/partners.js';
import { registerPartnerBody } from '../../logistics/register-partner.js';
import { partnerSecretPath } from '../../logistics/retire-partner-secret.js';
import { partnerWebhookBody } from '../../logistics/tracking.js';
import type { ProblemCode } from '../errors.js';
import { listQuery } from '../pagination.js';
import {
  apiKeyAnswer,
  auditEventPage,
  health,
  intakeAnswer,
  merchantEnrolled,
  openApiSchema,
  order,
  orderPage,
  partnerAnswer,
  partnerRegistered,
  partnerSecretIssued,
  productAnswer,
  productPage,
  unmatchedStripeEventPage,
  refundAnswer,
  shipmentAnswer,
  stripeEvent,
  stripeReceived,
  text,
  tracking,
  trackingChoices,
  unknownTrackingPage,
  agencyAnswer,
  creatorAnswer,
  payoutReport,
  payoutRun,
  csvText,
} from './responses.js';
import { createAgencyBody } from '../../payouts/create-agency.js';
import { createCreatorBody, patchCreatorBody } from '../../payouts/creator-body.js';
import { creatorPath } from '../../payouts/patch-creator.js';
import { runPath } from '../../payouts/run-access.js';
import { startPayoutRunBody } from '../../payouts/start-payout-run.js';
import { listApiKeysQuery } from '../../platform/list-api-keys.js';
import { apiKeyPath } from '../../platform/revoke-api-key.js';
import { apiKeyAnswerOne, apiKeyPage, apiKeyRotated, agencyPage, creatorPage, creatorWithEntries, merchantAnswer, merchantPage, partnerPage } from './responses.js';
import { creatorReadPath } from '../../platform/get-creator.js';
import { merchantPath } from '../../platform/get-merchant.js';
import { reportQuery } from '../../payouts/report-pages.js';
import { pagedLines, payoutRunPage } from './responses.js';
import { settlementOperations } from '../../payouts/settlement-api-doc.js';
import { payoutLineDetail } from './responses.js';
import { runLinePath } from '../../payouts/get-payout-run-line.js';
import { webhookOperations } from '../../notifications/webhook-api-doc.js';
import * as ex from './examples.js';
import { consoleAssetPath, docsAssetPath, problemPagePathSchema, problemPageQuery } from '../../platform/page-params.js';
import { problemPageCsp } from '../../platform/problem-pages.js';
import { rootPointer } from '../../platform/root.js';

export const tags = {
  Health: 'Liveness and readiness.',
  Operator: 'Platform operators (role `admin`): merchants, API keys, audit trail.',
  Catalogue: "A merchant's products (role `merchant`).",
  Orders: 'Cross-border orders with landed cost, paid through Stripe (role `merchant`).',
  Webhooks: 'Calls from payment providers and logistics partners, verified by signature (no API key).',
  Logistics: 'Parcels: partners, booking, public tracking.',
  Finance: 'Creator payout runs and reports (role `finance`).',
  Documentation: 'This document and its reference page.',
  Settlement: "A merchant's proceeds in CNY: balance, settled periods, statements (role `merchant`).",
  Notifications: 'Outgoing webhooks to the merchant, signed per Standard Webhooks: endpoints, secrets, delivery log (role `merchant`).',
} as const;
export type Tag = keyof typeof tags;

export interface SuccessDoc {
  readonly description: string;
  /** The body; none when omitted. */
  readonly schema?: z.ZodMiniType;
  /** @default ['application/json'] */
  readonly contentTypes?: readonly string[];
  /** The body of a media type whose schema is not `schema` (a CSV download is a string). */
  readonly schemaByType?: Readonly<Record<string, z.ZodMiniType>>;
  readonly headers?: z.ZodMiniObject;
  /** What Swagger UI shows for the JSON body: one example, or several named ones (a list to pick from). */
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, NamedExample>>;
}

export interface NamedExample {
  readonly summary: string;
  readonly value: unknown;
}

/** A code at its usual status (errors.ts `problemStatus`), or at the status this route answers it with. */
export type ProblemRef = ProblemCode | { readonly code: ProblemCode; readonly status: number };

export interface OperationDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  readonly request?: {
    readonly body?: z.ZodMiniType;
    readonly bodyDescription?: string;
    /** The body Swagger UI shows and pre-fills: one example, or several named ones. Parsed by the body schema in the OpenAPI test. */
    readonly example?: unknown;
    readonly examples?: Readonly<Record<string, NamedExample>>;
    /** The adapter keeps the body as text (webhooks): no JSON parsing or body validation problems. */
    readonly rawBody?: boolean;
    readonly query?: z.ZodMiniObject;
    readonly path?: z.ZodMiniObject;
    readonly headers?: z.ZodMiniObject;
  };
  readonly responses: Readonly<Record<number, SuccessDoc>>;
  readonly problems?: readonly ProblemRef[];
}

const idempotencyKey = idempotencyKeyHeader.check(
  z.meta({
    description: 'Makes retries safe: the same key with the same body answers as the first request did.',
    example: '6f1c2a4e-6a53-4a0e-9d4b-6f1b1f3c2d10',
  }),
);
const replayed = z.object({
  'Idempotent-Replayed': z
    .optional(z.literal('true'))
    .check(z.meta({ description: 'Present when this is the stored answer to an earlier request with the same Idempotency-Key.' })),
});

/** A page this API serves itself under its own CSP (GET /docs, GET /console). */
const pageOperation = (doc: Pick<OperationDoc, 'operationId' | 'summary' | 'description'>, csp: string): OperationDoc => ({
  ...doc,
  tag: 'Documentation',
  responses: {
    200: {
      description: 'The page.',
      schema: text,
      contentTypes: ['text/html'],
      headers: z.object({ 'Content-Security-Policy': z.string().check(z.meta({ example: csp })) }),
    },
  },
});

/** A page's bundled files (GET /docs/{asset}, GET /console/{asset}): `files` says what they are. */
const assetOperation = (doc: Pick<OperationDoc, 'operationId' | 'summary'> & { readonly files: string }, path: z.ZodMiniObject): OperationDoc => ({
  operationId: doc.operationId,
  tag: 'Documentation',
  summary: doc.summary,
  description: `${doc.files} Gzip when accepted; \`ETag\` for revalidation.`,
  request: { path },
  responses: {
    200: { description: 'The file.', schema: text, contentTypes: ['text/javascript', 'text/css'] },
    304: { description: 'Not modified (`If-None-Match`).' },
  },
  problems: ['not_found'],
});

export const operations: Readonly<Record<string, OperationDoc>> = {
  'GET /health': {
    operationId: 'getHealth',
    tag: 'Health',
    summary: 'Readiness',
    description: '`200` once the API can serve requests (its table answers a read), `503 service_unavailable` until then.',
    responses: { 200: { description: 'The API can serve requests.', schema: health } },
    problems: ['service_unavailable'],
  },
  'POST /v1/admin/api-keys': {
    operationId: 'createApiKey',
    tag: 'Operator',
    summary: 'Issue a finance key or a merchant key',
    description: 'The key is in this answer only; the API stores its hash. A merchant key names an enrolled merchant (`404` otherwise).',
    request: {
      body: createApiKeyBody,
      examples: {
        finance: { summary: 'A finance key', value: ex.apiKeyRequests.finance },
        merchant: { summary: 'Another key for a merchant (lost key)', value: ex.apiKeyRequests.merchant },
      },
    },
    responses: { 201: { description: 'The key was issued.', schema: apiKeyAnswer } },
    problems: ['not_found'],
  },
  'GET /v1/admin/audit-events': {
    operationId: 'listAuditEvents',
    tag: 'Operator',
    summary: 'Read the audit trail',
    description: 'Every change an operator or finance made (keys, merchants, partners and their secrets, agencies, creators, payout runs), newest first: who (`actor`), what, when.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of audit events.', schema: auditEventPage } },
  },
  'POST /v1/admin/merchants': {
    operationId: 'enrolMerchant',
    tag: 'Operator',
    summary: 'Enrol a pilot merchant',
    description:
      "Creates the merchant and its API key (in this answer only). `uscc` is the 18-character Unified Social Credit Code, checksum validated; one merchant per code: enrolling a code again answers `409 already_exists` whose `merchantId` member names the existing merchant.",
    request: { body: enrolMerchantBody, example: ex.merchantEnrolment },
    responses: { 201: { description: 'The merchant and its API key.', schema: merchantEnrolled, example: ex.merchantEnrolledAnswer } },
    problems: ['already_exists'],
  },
  'PUT /v1/products/{sku}': {
    operationId: 'putProduct',
    tag: 'Catalogue',
    summary: 'Create or replace a product',
    request: {
      path: skuPath,
      body: productBody,
      examples: Object.fromEntries(Object.entries(ex.products).map(([sku, product]) => [sku, { summary: `${sku} (HS ${product.hsCode})`, value: product }])),
    },
    responses: {
      200: { description: 'The product was replaced.', schema: productAnswer, example: ex.productAnswer },
      201: { description: 'The product was created.', schema: productAnswer, example: ex.productAnswer },
    },
  },
  'GET /v1/products/{sku}': {
    operationId: 'getProduct',
    tag: 'Catalogue',
    summary: 'Read a product',
    request: { path: skuPath },
    responses: { 200: { description: 'The product.', schema: productAnswer, example: ex.productAnswer } },
    problems: ['not_found'],
  },
  'GET /v1/products': {
    operationId: 'listProducts',
    tag: 'Catalogue',
    summary: 'List products',
    description: "The merchant's catalogue by SKU.",
    request: { query: listQuery },
    responses: { 200: { description: 'One page of products.', schema: productPage } },
  },
  'POST /v1/orders': {
    operationId: 'createOrder',
    tag: 'Orders',
    summary: 'Place an order',
    description:
      'Prices the order (merchandise, shipping, duties in the buyer currency) and creates its Stripe PaymentIntent: ' +
      'the buyer pays `totals.total` with `payment.clientSecret`. Replaying the same `Idempotency-Key` with the same ' +
      'body returns the first answer (same status, same order) and creates nothing.',
    request: {
      headers: z.object({ 'Idempotency-Key': idempotencyKey }),
      body: createOrderBody,
      examples: {
        US: { summary: 'To Seattle, US (USD; a creator brought the sale)', value: ex.orderRequests.US },
        HK: { summary: 'To Wan Chai, Hong Kong (HKD)', value: ex.orderRequests.HK },
        MO: { summary: 'To Macau (MOP)', value: ex.orderRequests.MO },
      },
    },
    responses: {
      201: {
        description: 'The order, `pending_payment`.',
        schema: order,
        example: ex.orderAnswers.placed(),
        headers: z.extend(replayed, {
          Location: z
            .optional(z.string())
            .check(z.meta({ description: 'The order URL (first answer; a replay carries Idempotent-Replayed instead).', example: '/v1/orders/ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E' })),
        }),
      },
    },
    problems: ['idempotency_key_required', 'idempotency_key_reused', 'idempotency_in_progress', 'market_not_enabled', 'unknown_sku', 'restricted_item'],
  },
  'GET /v1/orders/{id}': {
    operationId: 'getOrder',
    tag: 'Orders',
    summary: 'Read an order',
    description: "Another merchant's order is `404`, like one that does not exist.",
    request: { path: orderPath },
    responses: { 200: { description: 'The order, with its shipments.', schema: order, example: ex.orderAnswers.shipped() } },
    problems: ['not_found'],
  },
  'GET /v1/orders': {
    operationId: 'listOrders',
    tag: 'Orders',
    summary: 'List orders',
    description: 'Newest first, optionally by status.',
    request: { query: listOrdersQuery },
    responses: { 200: { description: 'One page of orders.', schema: orderPage } },
  },
  'POST /v1/orders/{id}/cancel': {
    operationId: 'cancelOrder',
    tag: 'Orders',
    summary: 'Cancel an order',
    description: 'From `pending_payment` (the PaymentIntent is cancelled) or `paid` (refunded in full); `409 invalid_state` otherwise.',
    request: { path: orderPath },
    responses: { 200: { description: 'The order, `cancelled`.', schema: order } },
    problems: ['not_found', 'invalid_state', 'idempotency_in_progress'],
  },
  'POST /v1/orders/{id}/refunds': {
    operationId: 'createRefund',
    tag: 'Orders',
    summary: 'Refund an order',
    description:
      'Refunds `amount` (in the order currency), or without it the rest of what was paid; never more than was paid. ' +
      '`Idempotency-Key` is required: a replay with the same key and body returns the first answer (same status, same ' +
      'refund), also when Stripe\'s `charge.refunded` webhook recorded the refund first; another body with the key is `422`.',
    request: { path: orderPath, headers: z.object({ 'Idempotency-Key': idempotencyKey }), body: refundBody, example: ex.refundRequest },
    responses: { 201: { description: 'The refund.', schema: refundAnswer, headers: replayed } },
    problems: ['not_found', 'idempotency_key_required', 'idempotency_key_reused', 'invalid_state', 'idempotency_in_progress'],
  },
  'POST /v1/webhooks/stripe': {
    operationId: 'stripeWebhook',
    tag: 'Webhooks',
    summary: 'Stripe events',
    description:
      'Verified with the `Stripe-Signature` header over the raw body (300 s tolerance). Handles `payment_intent.succeeded`, ' +
      '`payment_intent.payment_failed` and `charge.refunded`; a repeated `evt_` id has no further effect. Events that match ' +
      'no order (another integration on the same Stripe account) and other event types are acknowledged (`200`); the unmatched ' +
      'ones are kept for operators (`GET /v1/admin/stripe-events`). A `404` asks Stripe to retry an event naming an order of ours ' +
      'that is still being written, for at most an hour after the event was created. A signed payload that is not a well-formed ' +
      'event is `400 validation_failed`.',
    request: {
      headers: z.object({
        'Stripe-Signature': z.string().check(z.meta({ description: 'Stripe\'s signature: `t=<unix time>,v1=<HMAC-SHA256>`.', example: 't=1732093200,v1=5257a869…' })),
      }),
      body: stripeEvent,
      bodyDescription: 'The event exactly as Stripe sends it (the signature covers the raw bytes).',
      rawBody: true,
      example: ex.stripeEventExample,
    },
    responses: { 200: { description: 'Received (processed now, or already before).', schema: stripeReceived } },
    problems: [{ code: 'invalid_signature', status: 400 }, 'malformed_json', 'validation_failed', 'not_found', 'idempotency_in_progress'],
  },
  'POST /v1/admin/logistics-partners': {
    operationId: 'registerLogisticsPartner',
    tag: 'Operator',
    summary: 'Register a logistics partner',
    description: 'Returns the partner and its Standard Webhooks secret, shown this once (stored sealed).',
    request: { body: registerPartnerBody, example: ex.partnerRegistration },
    responses: { 201: { description: 'The partner and its webhook secret.', schema: partnerRegistered, example: ex.partnerRegisteredAnswer } },
    problems: ['already_exists'],
  },
  'POST /v1/admin/logistics-partners/{code}/secrets': {
    operationId: 'rotateLogisticsPartnerSecret',
    tag: 'Operator',
    summary: "Start a rollover of a partner's webhook secret",
    description: 'Issues a second secret (shown once); signatures with either verify until the old one is retired.',
    request: { path: partnerPath },
    responses: { 201: { description: 'The new secret.', schema: partnerSecretIssued } },
    problems: ['not_found', 'invalid_state', 'idempotency_in_progress', 'service_unavailable'],
  },
  'DELETE /v1/admin/logistics-partners/{code}/secrets/{secretId}': {
    operationId: 'retireLogisticsPartnerSecret',
    tag: 'Operator',
    summary: "Retire a partner's old webhook secret",
    request: { path: partnerSecretPath },
    responses: { 200: { description: 'The partner with its remaining secret.', schema: partnerAnswer } },
    problems: ['not_found', 'invalid_state', 'idempotency_in_progress', 'service_unavailable'],
  },
  'GET /v1/admin/logistics-partners/{code}/unknown-tracking': {
    operationId: 'listUnknownTracking',
    tag: 'Operator',
    summary: 'Events for tracking numbers nobody booked',
    description: 'What a partner sent for numbers no shipment has, newest first; kept 30 days for inspection.',
    request: { path: partnerPath, query: listQuery },
    responses: { 200: { description: 'One page of events.', schema: unknownTrackingPage } },
  },
  'POST /v1/orders/{id}/shipments': {
    operationId: 'bookShipment',
    tag: 'Logistics',
    summary: 'Book a parcel of a paid order',
    description: 'The order must be `paid` or `shipped`; an order may have several parcels. A tracking number is unique per partner among active shipments.',
    request: { path: orderPath, body: bookShipmentBody, example: ex.shipmentBooking },
    responses: { 201: { description: 'The shipment.', schema: shipmentAnswer, example: ex.shipmentAnswer } },
    problems: ['not_found', 'invalid_state', 'already_exists', 'service_unavailable'],
  },
  'POST /v1/webhooks/logistics/{partnerCode}': {
    operationId: 'logisticsPartnerWebhook',
    tag: 'Webhooks',
    summary: 'Tracking events from a logistics partner',
    description:
      'Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) over the raw body, 300 s tolerance. ' +
      '1-100 events in any order; an `eventId` already received from the partner counts as a duplicate and changes nothing. ' +
      'Each event is validated on its own: a bad one (or one stamped over 15 minutes ahead) is listed in `rejected`, the rest applied. ' +
      'See docs/logistics-partners.md.',
    request: {
      path: partnerWebhookPath,
      headers: z.object({
        'webhook-id': z.string().check(z.meta({ description: 'Unique per delivery; reuse it when retrying.' })),
        'webhook-timestamp': z.string().check(z.meta({ description: 'Unix seconds.' })),
        'webhook-signature': z.string().check(z.meta({ description: 'Space-separated `v1,<base64 HMAC-SHA256>` signatures.' })),
      }),
      body: partnerWebhookBody,
      rawBody: true,
      example: ex.partnerEvents,
    },
    responses: { 202: { description: 'Accepted.', schema: intakeAnswer, example: ex.intakeAnswer } },
    problems: ['invalid_signature', 'validation_failed', 'malformed_json', 'payload_too_large', 'service_unavailable'],
  },
  'GET /v1/tracking/{trackingNumber}': {
    operationId: 'getTracking',
    tag: 'Logistics',
    summary: 'Public parcel tracking',
    description:
      'Status, timeline (ordered by occurredAt, duplicates removed) and the current flight. No buyer or merchant data; cacheable for a minute (ETag). ' +
      'A tracking number is unique per partner only: when parcels of several partners share it, the answer is `300` listing the partners, and `?partner=CODE` picks one (docs/logistics-partners.md).',
    request: { path: trackingPath, query: trackingQuery },
    responses: {
      200: { description: 'The parcel.', schema: tracking, example: ex.trackingAnswer },
      300: { description: 'Several partners carry a parcel with this number: choose one with `?partner=`.', schema: trackingChoices },
      304: { description: 'Not modified (`If-None-Match`).' },
    },
    problems: ['not_found'],
  },
  'POST /v1/admin/agencies': {
    operationId: 'createAgency',
    tag: 'Operator',
    summary: 'Register an MCN agency',
    request: { body: createAgencyBody, example: ex.agencyRegistration },
    responses: { 201: { description: 'The agency.', schema: agencyAnswer } },
  },
  'POST /v1/admin/creators': {
    operationId: 'createCreator',
    tag: 'Operator',
    summary: 'Register a creator',
    description: '`contract.agencyId` is required exactly when the contract type is `agency`. `eligible` is derived (identity verified, 1,000 followers).',
    request: { body: createCreatorBody, example: ex.creatorRegistration },
    responses: { 201: { description: 'The creator.', schema: creatorAnswer } },
  },
  'PATCH /v1/admin/creators/{id}': {
    operationId: 'patchCreator',
    tag: 'Operator',
    summary: "Change a creator's terms",
    description: 'Every change is a new terms version valid from now; earlier commissions and payouts keep the terms in force for them.',
    request: { path: creatorPath, body: patchCreatorBody, example: ex.creatorChange },
    responses: { 200: { description: 'The creator.', schema: creatorAnswer } },
    problems: ['not_found', 'idempotency_in_progress'],
  },
  'POST /v1/payout-runs': {
    operationId: 'startPayoutRun',
    tag: 'Finance',
    summary: "Start a period's payout run",
    description: 'Exactly one run per period: 201 for the new run, 200 with the existing one. Processing is asynchronous and resumable; poll the run.',
    request: { body: startPayoutRunBody, example: ex.payoutRunRequest },
    responses: { 200: { description: 'The existing run.', schema: payoutRun, example: ex.payoutRunAnswer }, 201: { description: 'The new run.', schema: payoutRun } },
    problems: ['invalid_state'],
  },
  'GET /v1/payout-runs/{id}': {
    operationId: 'getPayoutRun',
    tag: 'Finance',
    summary: 'Read a payout run',
    request: { path: runPath },
    responses: { 200: { description: 'The run.', schema: payoutRun, example: ex.payoutRunAnswer } },
    problems: ['not_found'],
  },
  'GET /v1/payout-runs/{id}/report': {
    operationId: 'getPayoutRunReport',
    tag: 'Finance',
    summary: 'Download a payout run report',
    description:
      `JSON (lines and per-agency totals) or CSV (UTF-8 BOM, RFC 4180, amounts in yuan). ${pagedLines('run', true)}`,
    request: { path: runPath, query: reportQuery },
    responses: { 200: { description: 'The report.', schema: payoutReport, contentTypes: ['application/json', 'text/csv'], schemaByType: { 'text/csv': csvText } } },
    problems: ['not_found', 'invalid_state'],
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    tag: 'Documentation',
    summary: 'This OpenAPI document',
    description: 'Generated from the zod schemas the handlers validate with, and from the routes they are deployed on.',
    responses: { 200: { description: 'OpenAPI 3.1.', schema: openApiSchema } },
  },
  'GET /docs': pageOperation(
    { operationId: 'getApiDocs', summary: 'API reference page', description: 'Renders /openapi.json with Swagger UI, served from this API (no CDN).' },
    docsCsp,
  ),
  'GET /docs/{asset}': assetOperation(
    { operationId: 'getApiDocsAsset', summary: 'A file of the reference page', files: 'Swagger UI (npm package swagger-ui-dist) and the page script.' },
    docsAssetPath,
  ),
  'GET /': {
    operationId: 'getRoot',
    tag: 'Documentation',
    summary: 'Where the documentation is',
    description: 'Redirects to the API reference page (`/docs`). The body names the documentation addresses for clients that do not follow redirects.',
    responses: {
      302: {
        description: 'Found: the API reference is at `Location`.',
        schema: z
          .object({
            docs: z.literal(rootPointer.docs),
            openapi: z.literal(rootPointer.openapi),
            health: z.literal(rootPointer.health),
            problems: z.literal(rootPointer.problems).check(z.meta({ description: 'Every problem `type` resolves to a page explaining its code.' })),
          })
          .check(z.meta({ id: 'RootPointer' })),
        headers: z.object({ Location: z.literal(rootPointer.docs) }),
      },
    },
  },
  'GET /problems/{code}': {
    operationId: 'getProblemPage',
    tag: 'Documentation',
    summary: 'What a problem code means',
    description:
      'The page a problem `type` URI (`/problems/<code>`) resolves to: the status, when the API answers it, what to do, its `detail` sentences and an example. ' +
      'English, or Simplified Chinese with `?lang=zh-CN` or `Accept-Language: zh-CN`. An unknown code is `404`.',
    request: { path: problemPagePathSchema, query: problemPageQuery },
    responses: {
      200: {
        description: 'The page.',
        schema: text,
        contentTypes: ['text/html'],
        headers: z.object({
          'Content-Language': z.enum(['en', 'zh-CN']),
          'Content-Security-Policy': z.string().check(z.meta({ example: problemPageCsp })),
        }),
      },
    },
    problems: ['not_found'],
  },
  'GET /v1/admin/stripe-events': {
    operationId: 'listUnmatchedStripeEvents',
    tag: 'Operator',
    summary: 'Stripe events that matched no order',
    description:
      'Events the Stripe webhook acknowledged without applying them: objects another integration on the same Stripe account created ' +
      '(no order of ours in their metadata), or events naming an order that did not appear within an hour. Newest first; kept 90 days.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of events.', schema: unmatchedStripeEventPage } },
  },
  'GET /v1/admin/api-keys': {
    operationId: 'listApiKeys',
    tag: 'Operator',
    summary: 'List API keys',
    description: 'By role, then merchant, then creation. `merchantId` implies `role=merchant`. Never the key or its hash.',
    request: { query: listApiKeysQuery },
    responses: { 200: { description: 'One page of keys.', schema: apiKeyPage } },
  },
  'DELETE /v1/admin/api-keys/{id}': {
    operationId: 'revokeApiKey',
    tag: 'Operator',
    summary: 'Revoke an API key',
    description: 'Effective within 60 seconds everywhere (the auth cache). Revoking a revoked key answers the same.',
    request: { path: apiKeyPath },
    responses: { 200: { description: 'The revoked key.', schema: apiKeyAnswerOne } },
    problems: ['not_found'],
  },
  'POST /v1/api-keys/rotate': {
    operationId: 'rotateApiKey',
    tag: 'Catalogue',
    summary: 'Rotate your API key',
    description: 'Issues a new key (shown once); the key you call with keeps working for 24 hours, then stops. `409` if it was rotated already.',
    responses: { 201: { description: 'The new key.', schema: apiKeyRotated } },
    problems: ['invalid_state'],
  },
  'GET /v1/admin/merchants': {
    operationId: 'listMerchants',
    tag: 'Operator',
    summary: 'List merchants',
    description: 'Newest enrolment first.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of merchants.', schema: merchantPage } },
  },
  'GET /v1/admin/merchants/{id}': {
    operationId: 'getMerchant',
    tag: 'Operator',
    summary: 'Read a merchant',
    description: "Its keys: `GET /v1/admin/api-keys?merchantId=`.",
    request: { path: merchantPath },
    responses: { 200: { description: 'The merchant.', schema: merchantAnswer, example: { merchant: ex.merchantView } } },
    problems: ['not_found'],
  },
  'GET /v1/admin/logistics-partners': {
    operationId: 'listLogisticsPartners',
    tag: 'Operator',
    summary: 'List logistics partners',
    description: "By code, with their secrets' ids and creation times (never a secret).",
    request: { query: listQuery },
    responses: { 200: { description: 'One page of partners.', schema: partnerPage } },
  },
  'GET /v1/admin/agencies': {
    operationId: 'listAgencies',
    tag: 'Operator',
    summary: 'List MCN agencies',
    description: 'Newest first.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of agencies.', schema: agencyPage } },
  },
  'GET /v1/admin/creators': {
    operationId: 'listCreators',
    tag: 'Operator',
    summary: 'List creators',
    description: 'With their current terms, newest registration first.',
    request: { query: listQuery },
    responses: { 200: { description: 'One page of creators.', schema: creatorPage } },
  },
  'GET /v1/admin/creators/{id}': {
    operationId: 'getCreator',
    tag: 'Operator',
    summary: 'Read a creator with its commission entries',
    description: 'Current terms, and a page of commission entries (accruals +, reversals -), newest first: `limit`/`cursor` page the entries.',
    request: { path: creatorReadPath, query: listQuery },
    responses: { 200: { description: 'The creator and a page of its entries.', schema: creatorWithEntries } },
    problems: ['not_found'],
  },
  'GET /v1/payout-runs': {
    operationId: 'listPayoutRuns',
    tag: 'Finance',
    summary: 'List payout runs',
    description: 'Newest period first.',
    request: { query: listQuery },
    responses: { 200: { description: 'A page of runs.', schema: payoutRunPage } },
  },
  ...settlementOperations,
  'GET /console': pageOperation(
    {
      operationId: 'getFinanceConsole',
      summary: 'Finance console page',
      description:
        'The finance console (periods, previews, runs, reports) in the browser, served from this API (no CDN). It signs in with a finance API key kept in the tab only. See docs/finance-console.md.',
    },
    consoleCsp,
  ),
  'GET /console/{asset}': assetOperation(
    { operationId: 'getFinanceConsoleAsset', summary: 'A file of the finance console', files: 'The console script (with uPlot, npm package) and stylesheet, bundled by esbuild.' },
    consoleAssetPath,
  ),
  'GET /v1/payout-runs/{id}/lines/{creatorId}': {
    operationId: 'getPayoutRunLine',
    tag: 'Finance',
    summary: "A payout line with what is behind it",
    description:
      'The commission entries the run settled for the creator (every period the run covers; accruals +, reversals -) and the orders behind them ' +
      'with their commission rate, amount and reversal. At most 1,000 entries (`truncated` beyond). See docs/decisions/0037.',
    request: { path: runLinePath },
    responses: { 200: { description: 'The line detail.', schema: payoutLineDetail } },
    problems: ['not_found'],
  },
  ...webhookOperations,
};
