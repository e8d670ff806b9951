import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { GetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod/mini';
import { refundBody } from '../../../functions/orders/create-refund.js';
import { orderView, type OrderState } from '../../../functions/orders/order.js';
import { createOrderBody } from '../../../functions/orders/order-requests.js';
import { productBody, productView } from '../../../functions/orders/product.js';
import { handler as apiDocsAssets } from '../../../functions/platform/api-docs-assets.js';
import { handler as apiDocs } from '../../../functions/platform/api-docs.js';
import { createApiKeyBody, handler as createApiKey } from '../../../functions/platform/create-api-key.js';
import { docsCsp } from '../../../functions/platform/docs-page.js';
import { enrolMerchantBody, handler as enrolMerchant } from '../../../functions/platform/enrol-merchant.js';
import { handler as health } from '../../../functions/platform/health.js';
import { handler as openApi } from '../../../functions/platform/openapi.js';
import { apiKeyScheme, buildOpenApiDocument, type OpenApiDocument } from '../../../functions/shared/api-doc/document.js';
import { operations } from '../../../functions/shared/api-doc/operations.js';
import * as responses from '../../../functions/shared/api-doc/responses.js';
import { forZodToOpenApi } from '../../../functions/shared/api-doc/zod-to-openapi.js';
import { issueApiKey } from '../../../functions/shared/api-keys.js';
import { problemBody } from '../../../functions/shared/problem.js';
import { defaultRoutePath, manifest, routeKey, type Manifest } from '../../../lib/manifest.js';
import { generatedDocumentFile, generatedDocumentSource } from '../../../scripts/openapi.js';
import { apiEvent, lambdaContext } from '../../support/api-event.js';
import { newDelivery, deliveryView } from '../../../functions/notifications/deliveries.js';
import { endpointView } from '../../../functions/notifications/endpoints.js';
import * as webhookDocs from '../../../functions/notifications/webhook-api-doc.js';

const doc = buildOpenApiDocument(manifest);
const documentedRoutes = manifest.routes.filter((r) => r.path !== defaultRoutePath);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value at a path of plain objects (the document is JSON data), or undefined. */
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);

const operationOf = (d: OpenApiDocument, method: string, path: string): Record<string, unknown> => {
  const operation = at(d, 'paths', path, method.toLowerCase());
  if (!isRecord(operation)) throw new Error(`no operation ${method} ${path}`);
  return operation;
};

const parametersOf = (operation: Record<string, unknown>): Record<string, unknown>[] =>
  (Array.isArray(operation.parameters) ? operation.parameters : []).filter(isRecord);

const headerParameter = (method: string, path: string, name: string) =>
  parametersOf(operationOf(doc, method, path)).find((p) => p.in === 'header' && p.name === name);

const problemCodesAt = (method: string, path: string, status: number): string[] =>
  Object.keys(at(operationOf(doc, method, path), 'responses', String(status), 'content', 'application/problem+json', 'examples') ?? {});

/** zod-to-openapi's JSON Schema for one zod schema, generated on its own (as a component). */
let probes = 0;
const generatedSchemaOf = (schema: z.ZodMiniType): unknown => {
  const id = `Probe${(probes += 1)}`;
  return at(new OpenApiGeneratorV31([{ type: 'schema', schema: forZodToOpenApi(schema.check(z.meta({ id }))) }]).generateComponents(), 'components', 'schemas', id);
};

const call = async (
  handler: (event: ReturnType<typeof apiEvent>, context: ReturnType<typeof lambdaContext>) => Promise<APIGatewayProxyStructuredResultV2>,
  event: ReturnType<typeof apiEvent>,
) => {
  const response = await handler(event, lambdaContext('openapi-test'));
  return { ...response, headers: response.headers ?? {}, body: response.body ?? '' };
};

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator) whose $refs all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: expect.any(String), version: expect.any(String) }, servers: [{ url: '/' }] });
  });

  it('the committed document (served by /openapi.json) is what `npm run openapi` generates now', () => {
    const committed = readFileSync(generatedDocumentFile, 'utf8');
    // A stale file fails here: run `npm run openapi` after changing a route or a schema.
    expect(committed).toBe(generatedDocumentSource());
  });

  it('documents every manifest route but $default, with its method and path, and nothing else', () => {
    for (const route of documentedRoutes) expect(operationOf(doc, route.method, route.path)).toMatchObject({ responses: expect.any(Object) });
    const documented = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(documentedRoutes.map(routeKey).sort());
  });

  it('keyed routes need the bearer API key with their roles; public routes need nothing', () => {
    expect(at(doc, 'components', 'securitySchemes', apiKeyScheme)).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const route of documentedRoutes) {
      const operation = operationOf(doc, route.method, route.path);
      expect(operation.security).toEqual(route.auth === 'public' ? [] : [{ [apiKeyScheme]: [...route.auth] }]);
      // 401 for keyed routes, and for the partner webhook's signature (Stripe's is a 400).
      const signed = route.path.startsWith('/v1/webhooks/logistics/');
      expect(Object.keys(at(operation, 'responses') ?? {}).includes('401')).toBe(route.auth !== 'public' || signed);
    }
  });

  it('refuses a manifest route without documentation, and documentation without a route', () => {
    const extra: Manifest = { ...manifest, routes: [...manifest.routes, { method: 'GET', path: '/v1/undocumented', auth: 'public', function: 'health' }] };
    expect(() => buildOpenApiDocument(extra)).toThrow('GET /v1/undocumented');
    const stale = { ...operations, 'GET /v1/gone': { operationId: 'gone', summary: 'gone', tag: 'Health' as const, responses: {} } };
    expect(() => buildOpenApiDocument(manifest, stale)).toThrow('GET /v1/gone');
    const withoutDefault: Manifest = { ...manifest, routes: manifest.routes.filter((r) => r.path !== defaultRoutePath) };
    expect(buildOpenApiDocument(withoutDefault)).toEqual(doc);
  });

  it.each([
    ['POST /v1/orders', createOrderBody],
    ['POST /v1/orders/{id}/refunds', refundBody],
    ['PUT /v1/products/{sku}', productBody],
    ['POST /v1/admin/merchants', enrolMerchantBody],
    ['POST /v1/admin/api-keys', createApiKeyBody],
  ] as const)('the %s body is generated from the handler\'s own zod schema', (key, schema) => {
    const [method = '', path = ''] = key.split(' ');
    const inDoc = at(operationOf(doc, method, path), 'requestBody', 'content', 'application/json', 'schema');
    expect(inDoc).toEqual(generatedSchemaOf(schema));
    // zod's own JSON Schema agrees on the shape (a second, independent generator).
    const own = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    expect(Object.keys(at(inDoc, 'properties') ?? {}).sort()).toEqual(Object.keys(own.properties ?? {}).sort());
    expect([...((at(inDoc, 'required') as string[] | undefined) ?? [])].sort()).toEqual([...(own.required ?? [])].sort());
  });

  it('every example (request bodies and answers) is valid for the schema it illustrates: examples cannot drift', () => {
    let checked = 0;
    const examplesOf = (d: { example?: unknown; examples?: Readonly<Record<string, { value: unknown }>> }) =>
      d.example !== undefined ? [d.example] : Object.values(d.examples ?? {}).map((e) => e.value);
    for (const [key, operation] of Object.entries(operations)) {
      const body = operation.request?.body;
      for (const example of examplesOf(operation.request ?? {})) {
        const parsed = body?.safeParse(example);
        expect([key, parsed?.success, parsed?.error?.issues]).toEqual([key, true, undefined]);
        checked += 1;
      }
      for (const [status, answer] of Object.entries(operation.responses)) {
        for (const example of examplesOf(answer)) {
          const parsed = answer.schema?.safeParse(example);
          expect([key, status, parsed?.success, parsed?.error?.issues]).toEqual([key, status, true, undefined]);
          checked += 1;
        }
      }
      // Path parameter examples ("Try it out" pre-fills them) pass the handler's path validation.
      const path = operationOf(doc, key.split(' ')[0] ?? '', key.split(' ')[1] ?? '');
      for (const parameter of parametersOf(path).filter((p) => p.in === 'path')) {
        const example = at(parameter, 'schema', 'example');
        if (example === undefined) continue;
        const field = operation.request?.path?.shape[String(parameter.name)] as z.ZodMiniType | undefined;
        expect([key, parameter.name, field?.safeParse(example).success]).toEqual([key, parameter.name, true]);
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('zod-to-openapi reads zod/mini schemas as it reads zod classic ones (zod-to-openapi.ts)', () => {
    const schema = z.object({
      count: z.number().check(z.int(), z.gte(0)),
      at: z.iso.datetime(),
      email: z.email(),
      code: z.string().check(z.minLength(2), z.maxLength(5)),
      last4: z.string().check(z.length(4)),
      byKey: z.record(z.enum(['a', 'b']), z.number()),
      either: z.union([z.nullable(z.string()), z.number()]),
      note: z.optional(z.string()).check(z.meta({ description: 'A note.', example: 'hi' })),
      named: z.object({ id: z.string() }).check(z.meta({ id: 'MiniNamed' })),
    });
    expect(generatedSchemaOf(schema)).toEqual({
      type: 'object',
      properties: {
        count: { type: 'integer', minimum: 0 },
        at: { type: 'string', format: 'date-time' },
        email: { type: 'string', format: 'email' },
        code: { type: 'string', minLength: 2, maxLength: 5 },
        last4: { type: 'string', minLength: 4, maxLength: 4 },
        byKey: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
        note: { type: 'string', description: 'A note.', example: 'hi' },
        named: { $ref: '#/components/schemas/MiniNamed' },
      },
      required: ['count', 'at', 'email', 'code', 'last4', 'byKey', 'either', 'named'],
    });
  });

  it('a regex of a request schema shows up verbatim (SKU pattern in the order body)', () => {
    expect(JSON.stringify(operationOf(doc, 'POST', '/v1/orders'))).toContain(JSON.stringify('^[A-Za-z0-9._-]{1,64}$'));
  });

  it('documents Idempotency-Key (required on orders and refunds), Stripe-Signature and Accept-Language', () => {
    expect(headerParameter('POST', '/v1/orders', 'Idempotency-Key')).toMatchObject({ required: true, schema: { minLength: 1, maxLength: 255 } });
    expect(headerParameter('POST', '/v1/orders/{id}/refunds', 'Idempotency-Key')).toMatchObject({ required: true });
    expect(headerParameter('POST', '/v1/webhooks/stripe', 'Stripe-Signature')).toMatchObject({ required: true });
    for (const route of documentedRoutes) expect(headerParameter(route.method, route.path, 'Accept-Language')).toMatchObject({ required: false });
  });

  it('documents 413 and 415 on every route that reads a body, 409 on payout runs, per-event rejections and the CSV report as a string', () => {
    for (const route of documentedRoutes.filter((r) => operations[routeKey(r)]?.request?.body !== undefined)) {
      expect([route.path, problemCodesAt(route.method, route.path, 413)]).toEqual([route.path, ['payload_too_large']]);
      expect([route.path, problemCodesAt(route.method, route.path, 415)]).toEqual([route.path, ['unsupported_media_type']]);
    }
    expect(problemCodesAt('GET', '/v1/orders', 415)).toEqual([]);
    expect(problemCodesAt('POST', '/v1/payout-runs', 409)).toEqual(['invalid_state']);
    const rejected = at(doc, 'components', 'schemas', 'TrackingIntakeResult', 'properties', 'rejected', 'items');
    expect(rejected).toMatchObject({ required: ['index', 'code'], properties: { index: { type: 'integer' }, eventId: { type: 'string' }, code: { enum: ['validation_failed', 'occurred_at_in_future'] }, errors: { type: 'array' } } });
    const report = at(operationOf(doc, 'GET', '/v1/payout-runs/{id}/report'), 'responses', '200', 'content');
    expect(at(report, 'text/csv', 'schema')).toMatchObject({ type: 'string' });
    expect(at(report, 'application/json', 'schema')).toEqual({ $ref: '#/components/schemas/PayoutReport' });
  });

  it('lists the problem codes API.md gives each route, at their statuses, with real problem bodies as examples', () => {
    expect(problemCodesAt('POST', '/v1/orders', 400).sort()).toEqual(['idempotency_key_required', 'malformed_json', 'validation_failed']);
    expect(problemCodesAt('POST', '/v1/orders', 422).sort()).toEqual(['idempotency_key_reused', 'market_not_enabled', 'restricted_item', 'unknown_sku']);
    expect(problemCodesAt('POST', '/v1/orders', 409)).toEqual(['idempotency_in_progress']);
    expect(problemCodesAt('POST', '/v1/orders', 413)).toEqual(['payload_too_large']);
    expect(problemCodesAt('POST', '/v1/orders/{id}/cancel', 409).sort()).toEqual(['idempotency_in_progress', 'invalid_state']);
    expect(problemCodesAt('POST', '/v1/orders/{id}/refunds', 400).sort()).toEqual(['idempotency_key_required', 'malformed_json', 'validation_failed']);
    expect(problemCodesAt('POST', '/v1/orders/{id}/refunds', 409).sort()).toEqual(['idempotency_in_progress', 'invalid_state']);
    expect(problemCodesAt('POST', '/v1/orders/{id}/refunds', 422)).toEqual(['idempotency_key_reused']);
    expect(problemCodesAt('GET', '/v1/orders/{id}', 404)).toEqual(['not_found']);
    expect(problemCodesAt('POST', '/v1/admin/merchants', 409)).toEqual(['already_exists']);
    expect(problemCodesAt('GET', '/health', 503)).toEqual(['service_unavailable']);
    // Stripe webhooks: a bad signature is 400 (not 401), and there is no API key to refuse.
    // A signed body that is not UTF-8 JSON, or not a well-formed event, is a 400 too (API.md).
    expect(problemCodesAt('POST', '/v1/webhooks/stripe', 400)).toEqual(['malformed_json', 'invalid_signature', 'validation_failed']);
    // Stripe webhooks: a bad signature is 400 (not 401), and there is no API key to refuse; a signed non-event is 400 too.
    expect(problemCodesAt('POST', '/v1/webhooks/stripe', 400).sort()).toEqual(['invalid_signature', 'malformed_json', 'validation_failed']);
    expect(problemCodesAt('POST', '/v1/webhooks/stripe', 401)).toEqual([]);
    for (const route of documentedRoutes) {
      expect(problemCodesAt(route.method, route.path, 500)).toEqual(['internal_error']);
      if (route.auth !== 'public') {
        expect(problemCodesAt(route.method, route.path, 401)).toEqual(['unauthenticated']);
        expect(problemCodesAt(route.method, route.path, 403)).toEqual(['forbidden']);
      }
    }
    const example = at(operationOf(doc, 'POST', '/v1/orders'), 'responses', '422', 'content', 'application/problem+json', 'examples', 'unknown_sku', 'value');
    expect(responses.problem.parse(example)).toMatchObject({ status: 422, code: 'unknown_sku', type: '/problems/unknown_sku' });
    expect(at(operationOf(doc, 'POST', '/v1/orders'), 'responses', '422', 'content', 'application/problem+json', 'schema')).toEqual({
      $ref: '#/components/schemas/Problem',
    });
  });
});

describe('response schemas describe what the handlers answer', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const raw = mockClient(DynamoDBClient);
  const adminKey = issueApiKey().apiKey;
  const admin = { authorization: `Bearer ${adminKey}` };

  beforeAll(() => {
    process.env.TABLE_NAME = 'unit-table';
    process.env.ADMIN_API_KEY = adminKey;
  });

  afterEach(() => {
    ddb.reset();
    raw.reset();
  });

  /** Parses with the response schema and checks the answer has no field the schema leaves out. */
  const expectDescribed = (schema: z.ZodMiniObject, value: unknown) => {
    expect(schema.parse(value)).toBeDefined();
    expect(Object.keys(isRecord(value) ? value : {}).filter((key) => !(key in schema.shape))).toEqual([]);
  };

  it('enrolment, API key and health answers', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    raw.on(GetItemCommand).resolves({});
    const body = JSON.stringify({ name: 'Oolong Co', uscc: '91440300708461136T', contactEmail: 'ops@oolong.example', markets: ['US', 'MO'] });
    const enrolled = await call(enrolMerchant, apiEvent('POST /v1/admin/merchants', { headers: admin, body }));
    expect(enrolled.statusCode).toBe(201);
    const answer: unknown = JSON.parse(enrolled.body);
    expectDescribed(responses.merchantEnrolled, answer);
    expectDescribed(responses.merchantEnrolled.shape.merchant, at(answer, 'merchant'));

    const key = await call(createApiKey, apiEvent('POST /v1/admin/api-keys', { headers: admin, body: '{"role":"finance"}' }));
    expect(key.statusCode).toBe(201);
    expectDescribed(responses.apiKeyAnswer, JSON.parse(key.body));

    const ready = await call(health, apiEvent('GET /health'));
    expect(ready.statusCode).toBe(200);
    expectDescribed(responses.health, JSON.parse(ready.body));
  });

  it('order view (with payment, refunds, customs, shipments), product view, list page and problem body', () => {
    const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
    const usd = (amount: number) => ({ amount, currency: 'USD' as const });
    const state: OrderState = {
      placed: {
        id: 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
        merchantId: 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
        market: 'US',
        currency: 'USD',
        buyer: { name: 'Ada', email: 'ada@example.com', address: { line1: '1 Main St', city: 'Springfield', country: 'US' } },
        items: [{ sku: 'TEA-1', title: { en: 'Tea', zh: '茶' }, quantity: 2, unitPrice: cny(9900), hsCode: '090230', originCountry: 'CN', weightGrams: 250 }],
        totals: { merchandise: usd(2770), shipping: usd(1200), duties: usd(0), total: usd(3970) },
        settlement: { merchandise: cny(19800), shipping: cny(8580), fxRate: '7.1500' },
        customs: {
          exportMode: '9610',
          chargeableWeightGrams: 500,
          items: [{ sku: 'TEA-1', hsCode: '090230', originCountry: 'CN', quantity: 2, declaredValue: cny(19800), dutyRateBps: 0 }],
        },
        payment: { provider: 'stripe', paymentIntentId: 'pi_1', clientSecret: 'pi_1_secret_x' },
        attribution: { creatorId: 'cre_1', postId: 'post-9' },
        createdAt: '2026-11-20T08:00:00.000Z',
      },
      status: 'refunded',
      version: 3,
      paidAmount: 3970,
      refundedAmount: 3970,
      refunds: [{ id: 'ref_1', amount: usd(3970), reason: 'damaged', source: 'api', stripeRefundId: 're_1', createdAt: '2026-11-21T08:00:00.000Z' }],
      paymentError: { code: 'card_declined', message: 'declined' },
      paidAt: '2026-11-20T08:05:00.000Z',
      cancelledAt: '2026-11-21T08:00:00.000Z',
      updatedAt: '2026-11-21T08:00:00.000Z',
    };
    const view = { ...orderView(state), shipments: [{ id: 'shp_1', partnerCode: 'SFX', trackingNumber: 'SF123', status: 'picked_up' }] };
    expectDescribed(responses.order, view);
    expectDescribed(responses.order.shape.payment, view.payment);

    const product = productView({
      merchantId: 'mer_1',
      sku: 'TEA-1',
      title: { en: 'Tea' },
      brand: 'Leaf',
      hsCode: '090230',
      originCountry: 'CN',
      priceFen: 9900,
      weightGrams: 250,
      createdAt: '2026-11-20T08:00:00.000Z',
      updatedAt: '2026-11-20T08:00:00.000Z',
    });
    expectDescribed(responses.product, product);
    expectDescribed(responses.productPage, { data: [product], nextCursor: null });
    expectDescribed(responses.orderPage, { data: [view], nextCursor: 'c1' });
    expectDescribed(
      responses.problem,
      problemBody('validation_failed', 400, 'zh-CN', { errors: [{ path: 'items', message: 'x' }], instance: '/v1/orders' }),
    );
  });

  it('merchant webhook endpoint and delivery views, their pages and answers', () => {
    const at = new Date('2026-11-20T08:15:30.000Z');
    const endpoint = {
      merchantId: 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
      endpointId: 'we_01JDZ3J8X6Q2K7M4T9V5R1C8NB',
      url: 'https://shop.example.com/hooks/xborder',
      events: ['order.paid', 'order.delivered'],
      status: 'enabled' as const,
      secrets: [],
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      version: 1,
    };
    const enabled = endpointView(endpoint);
    const disabled = endpointView({ ...endpoint, status: 'disabled', disabledReason: 'failing_3_days' });
    for (const view of [enabled, disabled]) expectDescribed(webhookDocs.webhookEndpoint, view);
    expect(webhookDocs.webhookEndpoint.safeParse({ ...enabled, events: ['order.teleported'] }).success).toBe(false);
    expectDescribed(webhookDocs.webhookEndpointWithSecret, { endpoint: enabled, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    expectDescribed(webhookDocs.webhookEndpointPage, { data: [enabled, disabled], nextCursor: null });

    const input = { deliveryId: `msg_${'ab'.repeat(16)}`, endpointId: endpoint.endpointId, merchantId: endpoint.merchantId, eventId: 'evt_1', type: 'order.paid', payload: '{}' };
    const pending = deliveryView(newDelivery(input, at));
    const failed = deliveryView({ ...newDelivery(input, at), status: 'failed', attempts: 9, lastResponseCode: 503, lastAttemptAt: at.toISOString() });
    for (const view of [pending, failed]) expectDescribed(webhookDocs.webhookDelivery, view);
    expect(failed.nextAttemptAt).toBeNull();
    expectDescribed(webhookDocs.webhookDeliveryPage, { data: [failed, pending], nextCursor: 'c1' });
    expectDescribed(webhookDocs.webhookDeliveryAnswer, { delivery: pending });
  });
});

describe('docs handlers', () => {
  const swaggerFile = (file: string) => readFileSync(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`), 'utf8');
  const asset = (name: string, headers: Record<string, string> = {}) =>
    call(apiDocsAssets, apiEvent('GET /docs/{asset}', { path: { asset: name }, headers }));

  it('GET /openapi.json answers the document, cacheable for five minutes', async () => {
    const response = await call(openApi, apiEvent('GET /openapi.json'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(JSON.parse(response.body)).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('GET /docs answers HTML under a CSP that allows only this origin, loading scripts from our own paths', async () => {
    const response = await call(apiDocs, apiEvent('GET /docs'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toBe(docsCsp);
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:']); // Swagger UI's CSS icons
    for (const [name, sources] of directives) if (name !== 'img-src') for (const source of sources) expect(["'self'", "'none'"]).toContain(source);

    const html = response.body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => /src="([^"]+)"/.exec(s[1] ?? '')?.[1])).toEqual(['/docs/swagger-ui.js', '/docs/init.js']);
    expect(scripts.every((s) => (s[2] ?? '').trim() === '')).toBe(true); // no inline script
    expect(html).toContain('<link rel="stylesheet" href="/docs/swagger-ui.css">');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another origin
    expect(html).not.toMatch(/<style|style="/);
    // Every file the page loads is served.
    for (const [, url = ''] of html.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)) {
      expect((await asset(url.slice('/docs/'.length))).statusCode).toBe(200);
    }
  });

  it('GET /docs/{asset} serves the npm package\'s Swagger UI as JavaScript and CSS, and our init script', async () => {
    const js = await asset('swagger-ui.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe(swaggerFile('swagger-ui-bundle.js'));
    expect(js.body).toContain('SwaggerUIBundle');

    const css = await asset('swagger-ui.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe(swaggerFile('swagger-ui.css'));

    const init = await asset('init.js');
    expect(init.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(init.body).toContain('url: "/openapi.json"');
    expect(init.body).toContain('validatorUrl: null'); // no call to validator.swagger.io
  });

  it('gzips for clients that accept it, revalidates with the ETag, and 404s other names', async () => {
    const plain = await asset('swagger-ui.js');
    const zipped = await asset('swagger-ui.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.isBase64Encoded).toBe(true);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(Buffer.from(zipped.body, 'base64')).toString('utf8')).toBe(plain.body);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect((await asset('swagger-ui.js', { 'accept-encoding': 'gzip;q=0' })).isBase64Encoded).toBeUndefined();

    const etag = String(plain.headers.etag);
    const again = await asset('swagger-ui.js', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    const missing = await asset('petstore.json');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'not_found' });
  });
});
