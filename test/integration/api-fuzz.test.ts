/**
 * The API fuzz suite (issue 9): every route of the manifest, driven over real HTTP through
 * the local runtime on DynamoDB Local with seeded, bounded fast-check samples of mutated
 * paths, headers, queries and bodies: wrong types, huge and unicode strings, invalid UTF-8,
 * odd JSON, over-long IDs, bad percent-escapes, other content types, and webhooks signed
 * correctly (Stripe SDK, standardwebhooks) over malformed bodies. Requests carry a valid key
 * of one of the route's roles most of the time, so handlers are reached past auth.
 *
 * Asserted for every answer: no 5xx; every 4xx is problem+json with a `code`; every status
 * is documented for the route in /openapi.json, and every 2xx and 4xx body matches the schema
 * documented for its status and media type. New manifest routes are fuzzed automatically
 * (generic path values and bodies where this file has no seed for them).
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { defaultRoutePath, manifest, routeKey, type Role, type RouteSpec } from '../../lib/manifest.js';
import { request } from '../support/http.js';
import { buyer, catalogue, enrolMerchant, listCatalogue, randomUscc } from '../support/merchants.js';
import { answerViolations, documentedStatuses, validateSchema, type OpenApi } from '../support/openapi-validate.js';
import { startTestRuntime, testStripeKey, testWebhookSecret } from '../support/runtime.js';

/** Fixed seed and request budget: the same inputs on every run, never more requests than this. */
const seed = 20_261_203;
const requestBudget = 1_500;
const concurrency = 4;

/**
 * 5xx answers found in areas other engineers are changing (listed in the report of branch
 * w/fuzz): the lead removes an entry once that fix is merged. Only a 5xx on exactly this
 * route is tolerated (and counted); every other check still applies to it.
 */
/** Routes allowed a 5xx while a known defect is open: none (the Stripe webhook's malformed-event 500s are fixed). */
const knownServerErrors: Readonly<Record<string, string>> = {};

/**
 * API Gateway refuses a request line and headers over 10 KB itself (no function runs), and
 * Node's parser answers 431 above 16 KB: paths stay below that, so every request reaches a handler.
 */
const maxEncodedPath = 8 * 1024;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Body = { readonly bytes: Buffer; readonly label: string } | undefined;
type Signature = 'valid' | 'wrong' | 'none';

interface FuzzRequest {
  readonly route: RouteSpec;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly auth: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: Body;
  readonly signature: Signature;
}

interface Finding {
  readonly route: string;
  readonly request: string;
  readonly status: number;
  readonly problems: string[];
}

let url = '';
let stop: () => Promise<void>;
let doc: OpenApi;
let stripe: Stripe;
const keys = { admin: '', merchant: '', finance: '', otherMerchant: '' };
/** Real IDs the fuzzer mixes in, so that some requests reach existing resources. */
const known = { orderId: '', pendingOrderId: '', paymentIntentId: '', partnerCode: '', secretId: '', trackingNumber: '', creatorId: '', agencyId: '', runId: 'run_2026-10' };
let partnerSecret = '';

const observed = new Map<string, Map<number, number>>();
const findings: Finding[] = [];
const tolerated: Finding[] = [];
let sent = 0;

const must = async (method: string, path: string, key: string, body?: unknown, headers?: Record<string, string>) => {
  const reply = await request(url, method, path, { key, body, ...(headers ? { headers } : {}) });
  if (reply.status >= 300) throw new Error(`setup ${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const stripeSignature = (payload: Buffer): string => {
  const text = payload.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(payload)) return stripe.webhooks.generateTestHeaderString({ payload: text, secret: testWebhookSecret });
  // Not UTF-8: sign the bytes themselves, as Stripe's scheme does (t=..., v1=HMAC(secret, "t.payload")).
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac('sha256', testWebhookSecret).update(`${t}.`).update(payload).digest('hex');
  return `t=${t},v1=${mac}`;
};

const partnerSignature = (payload: Buffer): Record<string, string> => {
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const text = payload.toString('utf8');
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = Buffer.from(text, 'utf8').equals(payload)
    ? new Webhook(partnerSecret).sign(id, now, text)
    : `v1,${createHmac('sha256', Buffer.from(partnerSecret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.`).update(payload).digest('base64')}`;
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
};

beforeAll(async () => {
  const started = await startTestRuntime('fuzz');
  ({ stop } = started);
  url = started.runtime.url;
  keys.admin = started.adminKey;
  stripe = new Stripe(testStripeKey, { host: started.stripe.host, port: started.stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  const merchant = await enrolMerchant(url, keys.admin, ['US', 'HK']);
  keys.merchant = merchant.apiKey;
  keys.otherMerchant = (await enrolMerchant(url, keys.admin, ['MO'])).apiKey;
  await listCatalogue(url, keys.merchant);
  keys.finance = String((await must('POST', '/v1/admin/api-keys', keys.admin, { role: 'finance' })).apiKey);

  known.partnerCode = `FZ${Date.now().toString(36).toUpperCase()}`.slice(0, 16);
  const partner = await must('POST', '/v1/admin/logistics-partners', keys.admin, { code: known.partnerCode, name: 'Fuzz Express' });
  partnerSecret = String(partner.webhookSecret);
  known.secretId = String((partner.partner as { secrets: { id: string }[] }).secrets[0]?.id);

  const orderBody = { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 1 }] };
  const placed = await must('POST', '/v1/orders', keys.merchant, orderBody, { 'idempotency-key': randomUUID() });
  known.orderId = String(placed.id);
  known.paymentIntentId = String((placed.payment as { paymentIntentId: string }).paymentIntentId);
  const intent = await stripe.paymentIntents.confirm(known.paymentIntentId, { payment_method: 'pm_card_visa', return_url: 'https://shop.example/return' });
  const paid = Buffer.from(JSON.stringify({ id: `evt_${randomUUID()}`, object: 'event', type: 'payment_intent.succeeded', data: { object: intent } }));
  await request(url, 'POST', '/v1/webhooks/stripe', { body: paid.toString(), headers: { 'stripe-signature': stripeSignature(paid) } });
  known.trackingNumber = `FZ${Date.now()}`;
  await must('POST', `/v1/orders/${known.orderId}/shipments`, keys.merchant, { partnerCode: known.partnerCode, trackingNumber: known.trackingNumber });
  known.pendingOrderId = String((await must('POST', '/v1/orders', keys.merchant, orderBody, { 'idempotency-key': randomUUID() })).id);

  const agency = await must('POST', '/v1/admin/agencies', keys.admin, { name: 'Fuzz MCN', country: 'CN', feeBps: 1500 });
  known.agencyId = String((agency.agency as { id: string }).id);
  const creator = await must('POST', '/v1/admin/creators', keys.admin, creatorBody());
  known.creatorId = String((creator.creator as { id: string }).id);

  const openapi = await fetch(`${url}/openapi.json`);
  doc = (await openapi.json()) as OpenApi;
}, 120_000);

afterAll(async () => {
  await stop();
});

function creatorBody(): Json {
  return {
    displayName: '小红 Fuzz',
    taxResidency: 'resident',
    identityVerified: true,
    followers: 12_000,
    contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' },
  };
}

// ---------------------------------------------------------------------------------------
// Generators

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

/** Strings a client can put anywhere: empty, unicode, control characters, huge. */
const junkString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 3 },
  { arbitrary: fc.constantFrom('', ' ', '\u0000', '\u202e', '😀'.repeat(50), '𝕏', 'Ω≈ç√', '<script>', "' OR 1=1 --", '../../etc/passwd', '%ff', 'NaN', '2026-13-45T25:61:00Z'), weight: 3 },
  { arbitrary: fc.integer({ min: 256, max: 5_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => '中'.repeat(n)), weight: 1 },
);

/** A value of the wrong type, or the right type with a wrong value. */
const junkValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0.01, 10_001, 999_999_999_999),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  junkString,
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/** Every path (of keys and indexes) inside a JSON value, the root included. */
const pathsOf = (value: Json, prefix: (string | number)[] = []): (string | number)[][] => {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
};

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** One mutation of a valid value: a field replaced by junk, removed, or an unknown field added. */
const mutated = (value: Json): fc.Arbitrary<Json> =>
  fc.tuple(fc.constantFrom(...pathsOf(value)), fc.constantFrom('replace', 'replace', 'replace', 'remove', 'add'), junkValue, fc.string({ maxLength: 8 })).map(
    ([path, op, junk, extraKey]) => {
      if (path.length === 0) return op === 'add' && value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value, [extraKey]: junk } : junk;
      const copy = clone(value);
      let parent = copy as Record<string | number, Json>;
      for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
      const last = path[path.length - 1] as string | number;
      if (op === 'remove' && Array.isArray(parent)) parent.splice(Number(last), 1);
      else if (op === 'remove') delete parent[last];
      else if (op === 'add' && parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last])) (parent[last] as Record<string, Json>)[extraKey || 'extra'] = junk;
      else parent[last] = junk;
      return copy;
    },
  );

const oddJson = fc.constantFrom('null', '[]', '42', '-0', '"text"', 'true', '{}', '{', '', '   ', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, '\uFEFF{}', "{'single':1}");

/** JSON text with bytes that are not UTF-8 inside a string value. */
const invalidUtf8 = (json: string): fc.Arbitrary<Buffer> =>
  fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])).map((bad) => {
    const at = json.indexOf('"') + 1;
    return at > 0
      ? Buffer.concat([Buffer.from(json.slice(0, at)), bad, Buffer.from(json.slice(at))])
      : Buffer.concat([Buffer.from(json), bad]);
  });

const text = (value: string, label: string): Body => ({ bytes: Buffer.from(value, 'utf8'), label });

/** Bodies for a route whose valid body is `valid`: itself, mutated, odd, not UTF-8, too large. */
const bodies = (valid: Json[]): fc.Arbitrary<Body> => {
  const seedBody = fc.constantFrom(...valid);
  return fc.oneof(
    { arbitrary: seedBody.map((v) => text(JSON.stringify(v), 'valid')), weight: 2 },
    { arbitrary: seedBody.chain(mutated).map((v) => text(JSON.stringify(v), 'mutated')), weight: 10 },
    { arbitrary: oddJson.map((v) => text(v, 'odd JSON')), weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => text(JSON.stringify(v), 'any JSON')), weight: 1 },
    { arbitrary: seedBody.chain((v) => invalidUtf8(JSON.stringify(v))).map((bytes) => ({ bytes, label: 'invalid UTF-8' })), weight: 2 },
    { arbitrary: fc.constant(text(JSON.stringify({ padding: 'x'.repeat(300 * 1024) }), 'over 256 KB')), weight: 1 },
  );
};

const past = (hours: number) => new Date(Date.UTC(2026, 10, 20, 8) - hours * 3_600_000).toISOString();

/** Valid bodies per route key; a route not listed here is fuzzed from `{}`. */
const validBodies = (key: string): Json[] => {
  const orderBody = { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 2 }, { sku: 'SILK-1', quantity: 1 }] } as Json;
  const trackingEvent = (status: string, hours: number) => ({
    eventId: `ev_${hours}_${status}`,
    trackingNumber: known.trackingNumber,
    status,
    occurredAt: past(hours),
    location: { country: 'CN', city: 'Shenzhen', iata: 'SZX' },
    flight: { number: 'cx 880', origin: 'HKG', destination: 'LAX' },
    description: '已揽收 picked up',
  });
  const intent = (metadata: Record<string, string>, amount = 1000) => ({ id: known.paymentIntentId, object: 'payment_intent', amount, amount_received: amount, currency: 'usd', status: 'succeeded', metadata });
  const event = (type: string, object: Json, id = 'evt_fuzz_1') => ({ id, object: 'event', api_version: '2025-01-01', created: 1_764_000_000, livemode: false, type, data: { object } });
  switch (key) {
    case 'POST /v1/admin/api-keys':
      return [{ role: 'finance' }];
    case 'POST /v1/admin/merchants':
      return [{ name: 'Fuzz 商贸', uscc: randomUscc(), contactEmail: 'ops@fuzz.example.cn', markets: ['US', 'HK'] }];
    case 'PUT /v1/products/{sku}':
      return [catalogue['TEA-1'] as unknown as Json, catalogue['SWORD-1'] as unknown as Json];
    case 'POST /v1/orders':
      return [orderBody, { ...(orderBody as object), currency: 'HKD', attribution: { creatorId: known.creatorId, postId: 'p1' } }];
    case 'POST /v1/orders/{id}/refunds':
      return [{ reason: 'requested_by_customer' }, { reason: 'damaged', amount: { amount: 100, currency: 'USD' } }];
    case 'POST /v1/orders/{id}/shipments':
      return [{ partnerCode: known.partnerCode, trackingNumber: 'FZ0001' }];
    case 'POST /v1/admin/logistics-partners':
      return [{ code: 'FZ_NEW', name: 'New Fuzz Partner' }];
    case 'POST /v1/admin/agencies':
      return [{ name: 'Fuzz Agency', country: 'CN', feeBps: 2000 }];
    case 'POST /v1/admin/creators':
      return [creatorBody(), { ...(creatorBody() as object), contract: { type: 'agency', agencyId: known.agencyId || 'agy_x', commissionRateBps: 500, startsOn: '2026-02-01' }, deductions: { monthlySpecial: '1500.00' } }];
    case 'PATCH /v1/admin/creators/{id}':
      return [{ followers: 20_000 }, { deductions: { monthlySpecialAdditional: '400.50' }, lowIncomeRule: true }];
    case 'POST /v1/payout-runs':
      return [{ period: '2026-10' }, { period: '2099-01' }];
    case 'POST /v1/webhooks/logistics/{partnerCode}':
      return [
        { events: [trackingEvent('picked_up', 30), trackingEvent('departed', 20), trackingEvent('delivered', 1)] },
        { events: [{ ...trackingEvent('arrived', 5), trackingNumber: 'NOBODY-BOOKED-1' }] },
        { events: [{ ...trackingEvent('out_for_delivery', 2), occurredAt: '2099-01-01T00:00:00Z' }] },
      ];
    case 'POST /v1/webhooks/stripe':
      return [
        event('payment_intent.succeeded', intent({ orderId: known.pendingOrderId })),
        event('payment_intent.payment_failed', { ...intent({ orderId: known.pendingOrderId }), status: 'requires_payment_method', last_payment_error: { code: 'card_declined', message: 'declined' } }),
        event('charge.refunded', { id: 'ch_fuzz', object: 'charge', payment_intent: known.paymentIntentId, amount: 1000, amount_refunded: 100, currency: 'usd', metadata: {}, refunds: { data: [] } }),
        event('payment_intent.succeeded', intent({}), 'evt_foreign_1'),
        event('payment_intent.succeeded', intent({ orderId: 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E' })),
        event('customer.created', { id: 'cus_1', object: 'customer' }),
        event('payment_intent.succeeded', null, 'evt_null_object'),
        { ...event('payment_intent.succeeded', intent({ orderId: known.orderId })), id: `evt_${'x'.repeat(2_100)}` },
      ];
    default:
      return [{}];
  }
};

/** A path parameter: a real value, junk, a bad percent-escape or an over-long ID (raw = sent as is). */
const pathValue = (route: RouteSpec, name: string): fc.Arbitrary<{ value: string; raw: boolean }> => {
  const real = (() => {
    if (name === 'sku') return ['TEA-1', 'NOPE-1'];
    if (route.path.startsWith('/problems/')) return ['validation_failed', 'not_found', 'invalid_state', 'no_such_code', 'constructor'];
    if (name === 'code' || name === 'partnerCode') return [known.partnerCode, 'NOSUCH'];
    if (name === 'secretId') return [known.secretId, 'whs_nope'];
    if (name === 'trackingNumber') return [known.trackingNumber, 'NOBODY-BOOKED-1'];
    if (name === 'asset') return ['init.js', 'swagger-ui.css', 'nope.js'];
    if (route.path.startsWith('/v1/orders')) return [known.orderId, known.pendingOrderId, 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'];
    if (route.path.startsWith('/v1/admin/creators')) return [known.creatorId, 'cre_nope'];
    if (route.path.startsWith('/v1/payout-runs')) return [known.runId, 'run_2026-13'];
    return ['x'];
  })();
  const prefix = /^[a-z]{3}_/.exec(real[0] ?? '')?.[0] ?? '';
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real).map((value) => ({ value, raw: false })), weight: 6 },
    { arbitrary: junkString.filter((s) => s !== '').map((value) => ({ value, raw: false })), weight: 3 },
    { arbitrary: fc.constantFrom('%ff', '%', '%E0%A4%A', '%C0%AF', '%00', '%2F..%2F', '%u0041').map((value) => ({ value, raw: true })), weight: 1 },
    { arbitrary: fc.integer({ min: 300, max: 2_200 }).map((n) => ({ value: `${prefix}${'9'.repeat(n)}`, raw: false })), weight: 1 },
  );
};

const queryOf: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 3 },
  {
    arbitrary: fc
      .record(
        {
          limit: fc.constantFrom('1', '20', '100', '101', '0', '-1', 'abc', '1e3', '1.5', ''),
          cursor: fc.oneof(junkString, fc.constant('eyJhIjoxfQ')),
          format: fc.constantFrom('json', 'csv', 'xml', '', 'CSV'),
          status: fc.constantFrom('paid', 'pending_payment', 'nope', ''),
        },
        { requiredKeys: [] },
      )
      .map((q) => new URLSearchParams(q).toString()),
    weight: 6,
  },
  { arbitrary: fc.constantFrom('limit=%ff', 'cursor=%E0%A4%A&limit=5', 'format=json&format=csv', 'limit=1&limit=2'), weight: 1 },
);

const headersOf: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'accept-language': fc.constantFrom('en', 'zh-CN', 'zh-Hant-TW', 'fr;q=0.5, zh;q=0.9', '*', 'zh-CN;q=0', ';;;'),
      'x-correlation-id': fc.oneof(printable, fc.constant('c'.repeat(500))),
      'if-none-match': fc.constantFrom('"abc"', '*', 'W/"x"'),
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Record<string, string>);

const contentTypeOf = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 8 },
  { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=iso-8859-1', 'application/xml', 'multipart/form-data; boundary=x', ''), weight: 2 },
);

const keyOf = (route: RouteSpec): fc.Arbitrary<string | undefined> => {
  if (route.auth === 'public') return fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: fc.constant(keys.merchant), weight: 1 });
  const allowed = route.auth.map((role: Role) => keys[role]);
  const others = (['admin', 'merchant', 'finance'] as const).filter((role) => !route.auth.includes(role)).map((role) => keys[role]);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...allowed), weight: 16 },
    ...(route.auth.includes('merchant') ? [{ arbitrary: fc.constant(keys.otherMerchant), weight: 2 }] : []),
    ...(others.length ? [{ arbitrary: fc.constantFrom(...others), weight: 1 }] : []),
    { arbitrary: fc.constantFrom(undefined, 'xbk_not_a_key', '', 'x'.repeat(3000)), weight: 1 },
  );
};

const idempotencyKeyOf = fc.oneof(
  { arbitrary: fc.uuid(), weight: 8 },
  { arbitrary: fc.constantFrom('', 'fuzz-reused-key', 'k'.repeat(256)), weight: 2 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const readsBody = (route: RouteSpec) => ['POST', 'PUT', 'PATCH'].includes(route.method);

const requestsFor = (route: RouteSpec): fc.Arbitrary<FuzzRequest> => {
  if (route.path === defaultRoutePath) {
    return fc
      .record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        path: fc.oneof(fc.constantFrom('/v1/nothing', '/%ff', '//', '/v1/orders/x/y/z', '/V1/ORDERS', '/v1/tracking/', '/v1/%E0%A4%A/x'), printable.filter((p) => p !== '').map((p) => `/${encodeURIComponent(p)}`)), // `/` is a route (GET / -> /docs)
        auth: fc.constantFrom(undefined, keys.merchant, keys.admin),
        headers: headersOf,
        body: fc.option(bodies([{}]), { nil: undefined }),
      })
      .map((r) => ({ route, method: r.method, path: r.path, query: '', auth: r.auth, headers: { ...r.headers, 'content-type': 'application/json' }, body: r.body, signature: 'none' }));
  }
  const names = [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1] ?? '');
  const key = routeKey(route);
  const webhook = key.includes('/webhooks/');
  return fc
    .record({
      params: fc.tuple(...names.map((name) => pathValue(route, name))),
      query: queryOf,
      auth: keyOf(route),
      headers: headersOf,
      contentType: contentTypeOf,
      idempotencyKey: idempotencyKeyOf,
      body: readsBody(route) ? bodies(validBodies(key)) : fc.option(bodies([{}]), { nil: undefined, freq: 4 }),
      signature: fc.oneof({ arbitrary: fc.constant<Signature>('valid'), weight: 17 }, { arbitrary: fc.constantFrom<Signature>('wrong', 'none'), weight: 3 }),
    })
    .map((r) => {
      let path = route.path;
      names.forEach((name, i) => {
        const p = r.params[i] ?? { value: '', raw: false };
        const encoded = p.raw ? p.value : encodeURIComponent(p.value);
        path = path.replace(new RegExp(`\\{${name}\\+?\\}`), encoded.length > maxEncodedPath ? encoded.slice(0, maxEncodedPath).replace(/%[0-9A-F]{0,1}$/, '') : encoded);
      });
      const headers: Record<string, string> = { ...r.headers };
      if (r.contentType !== '' && r.body) headers['content-type'] = r.contentType;
      if (r.idempotencyKey !== undefined && readsBody(route)) headers['idempotency-key'] = r.idempotencyKey;
      const query = r.query.slice(0, Math.max(0, maxEncodedPath - path.length)).replace(/%[0-9A-F]{0,1}$/, '');
      return { route, method: route.method, path, query, auth: r.auth, headers, body: r.body, signature: webhook ? r.signature : 'none' };
    });
};

// ---------------------------------------------------------------------------------------
// Sending and checking

const describeRequest = (r: FuzzRequest) =>
  `${r.method} ${r.path.length > 120 ? `${r.path.slice(0, 120)}…(${r.path.length})` : r.path}${r.query ? `?${r.query.slice(0, 80)}` : ''} ` +
  `[body: ${r.body ? `${r.body.label}, ${r.body.bytes.length} B: ${r.body.bytes.toString('utf8').slice(0, 160)}` : 'none'}]` +
  `[ct: ${r.headers['content-type'] ?? '-'}][signature: ${r.signature}][key: ${r.auth === undefined ? 'none' : r.auth.slice(0, 8)}]`;

const send = async (r: FuzzRequest): Promise<void> => {
  sent += 1;
  const headers: Record<string, string> = { ...r.headers };
  if (r.auth !== undefined) headers.authorization = `Bearer ${r.auth}`;
  if (r.signature === 'valid' && r.body) {
    if (r.route.path === '/v1/webhooks/stripe') headers['stripe-signature'] = stripeSignature(r.body.bytes);
    else Object.assign(headers, partnerSignature(r.body.bytes));
  } else if (r.signature === 'wrong') {
    headers['stripe-signature'] = `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;
    Object.assign(headers, { 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' });
  }
  const response = await fetch(`${url}${r.path}${r.query ? `?${r.query}` : ''}`, {
    method: r.method,
    headers,
    // The route's own answer: a redirect (GET / -> /docs) is not followed.
    redirect: 'manual',
    ...(r.body && r.method !== 'GET' ? { body: new Uint8Array(r.body.bytes) } : {}), // fetch sends no body with GET
  });
  const status = response.status;
  const contentType = response.headers.get('content-type') ?? '';
  const raw = await response.text();
  const key = routeKey(r.route);
  const counts = observed.get(key) ?? new Map<number, number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  observed.set(key, counts);

  const problems: string[] = [];
  let body: unknown;
  if (/json/.test(contentType)) {
    try {
      body = JSON.parse(raw);
    } catch {
      problems.push(`answer is not JSON although ${contentType}`);
    }
  } else if (raw !== '') body = raw;
  if (!response.headers.get('x-request-id')) problems.push('no x-request-id header');
  if (status >= 400 && status < 500) {
    if (!contentType.startsWith('application/problem+json')) problems.push(`4xx as ${contentType}`);
    if (typeof (body as { code?: unknown } | undefined)?.code !== 'string') problems.push('4xx without a code');
  }
  if (r.route.path === defaultRoutePath) {
    if (status !== 404) problems.push(`$default answered ${status}`);
    problems.push(...validateSchema(doc, { $ref: '#/components/schemas/Problem' }, body));
  } else if (status < 500) {
    problems.push(...answerViolations(doc, r.route.method, r.route.path, status, contentType, status >= 300 && status < 400 ? undefined : body));
  }
  const finding = { route: key, request: describeRequest(r), status, problems: [...(status >= 500 ? [`${status}: ${raw.slice(0, 200)}`] : []), ...problems] };
  if (status >= 500 && knownServerErrors[key] !== undefined && problems.length === 0) tolerated.push(finding);
  else if (finding.problems.length > 0) findings.push(finding);
};

const routes = manifest.routes;
const perRoute = Math.floor(requestBudget / routes.length);

describe('API fuzz: every manifest route through the local runtime', () => {
  it(`answers ${perRoute} seeded mutated requests per route (${routes.length} routes) with no 5xx and as documented`, async () => {
    const all = routes.flatMap((route, i) => fc.sample(requestsFor(route), { seed: seed + i, numRuns: perRoute }));
    expect(all.length).toBeLessThanOrEqual(requestBudget);
    // A few in flight at once, in a fixed order: the same inputs each run, a bounded wall-clock cost.
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < all.length) {
          const r = all[next];
          next += 1;
          if (r) await send(r);
        }
      }),
    );
    if (process.env.FUZZ_REPORT) {
      console.warn(JSON.stringify({ sent, findings: findings.length, tolerated: tolerated.length, observed: Object.fromEntries([...observed].map(([k, v]) => [k, Object.fromEntries(v)])) }, null, 1));
      console.warn(findings.map((f) => `${f.route} -> ${f.status}: ${f.problems.join('; ')}\n    ${f.request}`).join('\n'));
    }
    expect(sent).toBe(all.length);
    expect(findings.slice(0, 15)).toEqual([]);
  }, 240_000);

  it('issue 9 item 10 through the runtime: bad escapes, non-UTF-8 and non-JSON bodies, over-long IDs are 4xx problems with request IDs', async () => {
    const raw = async (method: string, path: string, init: { key?: string; body?: Buffer; contentType?: string; lang?: string } = {}) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
          ...(init.lang ? { 'accept-language': init.lang } : {}),
        },
        ...(init.body ? { body: new Uint8Array(init.body) } : {}),
      });
      return { status: response.status, requestId: response.headers.get('x-request-id'), type: response.headers.get('content-type'), body: (await response.json()) as { code: string; errors?: { message: string }[] } };
    };
    for (const path of ['/v1/tracking/%ff', '/v1/tracking/%E0%A4%A', `/v1/tracking/${'A'.repeat(2_100)}`, `/v1/orders/ord_${'9'.repeat(2_100)}`]) {
      const answer = await raw('GET', path, { key: keys.merchant });
      expect([path.slice(0, 40), answer.status, answer.body.code, answer.type]).toEqual([path.slice(0, 40), 400, 'validation_failed', 'application/problem+json; charset=utf-8']);
      expect(answer.requestId).toBeTruthy();
    }
    const agency = Buffer.from('{"name":"Fuzz \xff","country":"CN","feeBps":10}', 'latin1');
    expect((await raw('POST', '/v1/admin/agencies', { key: keys.admin, body: agency, contentType: 'application/json' })).body.code).toBe('malformed_json');
    const plain = await raw('POST', '/v1/admin/agencies', { key: keys.admin, body: Buffer.from('{"name":"A","country":"CN","feeBps":10}'), contentType: 'text/plain' });
    expect([plain.status, plain.body.code]).toEqual([415, 'unsupported_media_type']);
    const zh = await raw('POST', '/v1/admin/agencies', { key: keys.admin, body: Buffer.from('{"name":1,"country":"CN","feeBps":10}'), contentType: 'application/json', lang: 'zh-CN' });
    expect([zh.status, zh.body.code]).toEqual([400, 'validation_failed']);
    expect(zh.body.errors?.[0]?.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('every status a route answered is documented for it in /openapi.json', () => {
    const undocumented = [...observed]
      .filter(([key]) => key !== defaultRoutePath)
      .flatMap(([key, counts]) => {
        const route = routes.find((r) => routeKey(r) === key);
        const documented = route ? documentedStatuses(doc, route.method, route.path) : [];
        return [...counts.keys()].filter((status) => !documented.includes(status)).map((status) => `${key}: ${status}`);
      });
    expect(observed.size).toBe(routes.length);
    expect(undocumented).toEqual([]);
  });
});
