import { createHash } from 'node:crypto';
import { problemStatus, type ProblemCode } from '../../functions/shared/errors.js';
import { problemMessages, problemBody } from '../../functions/shared/problem.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { startTestRuntime } from '../support/runtime.js';

// What a newcomer meets first, through the local runtime: `GET /` points to /docs, every
// problem `type` URI resolves to a page explaining its code (English or Simplified Chinese),
// and the reference page's OpenAPI document has realistic examples and does not pre-fill
// Accept-Language.
let runtime: Runtime;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, stop } = await startTestRuntime('docs'));
});

afterAll(async () => {
  await stop();
});

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${runtime.url}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const codes = Object.keys(problemStatus) as ProblemCode[];

describe('GET /', () => {
  it('redirects to /docs, and says where the documentation is for clients that do not follow', async () => {
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
    expect(JSON.parse(root.text)).toEqual({ docs: '/docs', openapi: '/openapi.json', health: '/health', problems: '/problems/{code}' });
    const followed = await fetch(`${runtime.url}/`);
    expect([followed.status, followed.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await followed.text()).toContain('<div id="swagger-ui">');
  });
});

describe('problem type URIs', () => {
  it.each(codes)('the type of %s resolves to its page, in English and in Simplified Chinese', async (code) => {
    const { type } = problemBody(code, problemStatus[code], 'en');
    expect(type).toBe(`/problems/${code}`);
    const en = await get(type);
    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.text).toContain(`<code>${code}</code> ${problemMessages[code].en.title}`);
    expect(en.text).toContain(`<strong>${problemStatus[code]}</strong>`);

    const zh = await get(type, { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(zh.text).toContain(`<html lang="zh-CN">`);
    expect(zh.text).toContain(problemMessages[code]['zh-CN'].title);
    expect(zh.text).toContain('如何处理');
    // The query wins over the header, both ways.
    expect((await get(`${type}?lang=en`, { 'accept-language': 'zh-CN' })).text).toContain(problemMessages[code].en.title);
    expect((await get(`${type}?lang=zh-CN`)).headers.get('content-language')).toBe('zh-CN');
  });

  it('pages run no script and allow only their own inline stylesheet, by hash', async () => {
    const page = await get('/problems/invalid_state');
    const csp = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.has('script-src')).toBe(false);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.text)?.[1] ?? '';
    expect(directives.get('style-src')).toEqual([`'sha256-${createHash('sha256').update(style).digest('base64')}'`]);
    expect(page.text).not.toMatch(/<script|style="|(src|href)="(https?:)?\/\//);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // Per-reason sentences come from problem.ts.
    expect(page.text).toContain('period_not_over');
  });

  it('the type of a real answer resolves, and an unknown code is a 404 problem whose own type resolves', async () => {
    const refused = await fetch(`${runtime.url}/v1/orders`);
    const body = (await refused.json()) as { type: string; code: string };
    expect([refused.status, body.code]).toEqual([401, 'unauthenticated']);
    expect((await get(body.type)).status).toBe(200);

    for (const unknown of ['no_such_code', 'constructor', '__proto__', 'NOT_FOUND']) {
      const missing = await get(`/problems/${unknown}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      const problem = JSON.parse(missing.text) as { code: string; type: string };
      expect(problem.code).toBe('not_found');
      expect((await get(problem.type)).status).toBe(200);
    }
  });
});

describe('the reference page (/docs) and its document', () => {
  type Doc = { paths: Record<string, Record<string, { parameters?: Array<Record<string, unknown>>; requestBody?: { content: Record<string, Record<string, unknown>> } }>> };
  let doc: Doc;
  beforeAll(async () => {
    doc = (await (await fetch(`${runtime.url}/openapi.json`)).json()) as Doc;
  });
  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));

  it('documents Accept-Language on every operation but never pre-fills it (no example, no default)', async () => {
    for (const { key, op } of operations()) {
      const param = op.parameters?.find((p) => p.in === 'header' && p.name === 'Accept-Language');
      expect([key, param?.description]).toEqual([key, expect.stringContaining('zh-CN')]);
      const schema = (param?.schema ?? {}) as Record<string, unknown>;
      for (const prefill of ['example', 'examples', 'default']) expect([key, prefill, param?.[prefill] ?? schema[prefill]]).toEqual([key, prefill, undefined]);
    }
    // Nor does the page's own script add the header to "Try it out" requests.
    const init = await get('/docs/init.js');
    expect(init.text).not.toMatch(/accept-language|requestInterceptor/i);
  });

  it('every JSON request body has an example, and the examples are realistic, never "string"', () => {
    const examples = new Map<string, unknown[]>();
    for (const { key, op } of operations()) {
      const media = op.requestBody?.content['application/json'];
      if (!media) continue;
      const values = media.example !== undefined ? [media.example] : Object.values((media.examples ?? {}) as Record<string, { value: unknown }>).map((e) => e.value);
      expect([key, values.length > 0]).toEqual([key, true]);
      examples.set(key, values);
    }
    const leaves = (value: unknown): unknown[] => (typeof value === 'object' && value !== null ? Object.values(value).flatMap(leaves) : [value]);
    for (const [key, values] of examples) for (const leaf of values.flatMap(leaves)) expect([key, leaf]).not.toEqual([key, 'string']);

    // A sample: SKUs and HS codes of real goods, buyers in the pilot markets, SF Express parcels on real flights.
    const products = examples.get('PUT /v1/products/{sku}') as Array<{ hsCode: string; title: { en: string }; price: { currency: string } }>;
    expect(products.map((p) => p.hsCode).sort()).toEqual(['090210', '611020', '621410']); // 0902.10 green tea, 6110.20 cotton knitwear, 6214.10 silk scarves
    for (const p of products) expect(p.price.currency).toBe('CNY');
    const orders = examples.get('POST /v1/orders') as Array<{ currency: string; buyer: { address: { country: string; city: string } }; items: Array<{ sku: string }> }>;
    expect(orders.map((o) => [o.buyer.address.country, o.currency])).toEqual([['US', 'USD'], ['HK', 'HKD'], ['MO', 'MOP']]);
    for (const o of orders) for (const item of o.items) expect(item.sku).toMatch(/^[A-Z]{2,}(-[A-Z0-9]+)+$/);
    const [batch] = examples.get('POST /v1/webhooks/logistics/{partnerCode}') as Array<{ events: Array<{ trackingNumber: string; flight?: { number: string; origin: string; destination: string } }> }>;
    for (const event of batch?.events ?? []) expect(event.trackingNumber).toMatch(/^SF\d{13}$/);
    const flights = (batch?.events ?? []).flatMap((e) => (e.flight ? [e.flight] : []));
    expect(flights.length).toBeGreaterThan(0);
    for (const f of flights) {
      expect(f.number.replace(/\s/g, '')).toMatch(/^[A-Z0-9]{2}\d{1,4}$/);
      expect([f.origin, f.destination]).toEqual([expect.stringMatching(/^[A-Z]{3}$/), expect.stringMatching(/^[A-Z]{3}$/)]);
    }
    const [booking] = examples.get('POST /v1/orders/{id}/shipments') as Array<{ trackingNumber: string }>;
    expect(booking?.trackingNumber).toMatch(/^SF\d{13}$/);
  });

  it('answers of the main reads have examples from the same story (the order priced by the real landed-cost code)', () => {
    const answer = (key: string, status: string) => {
      const [method = '', path = ''] = key.split(' ');
      const op = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, { content?: Record<string, { example?: unknown }> }> } | undefined;
      return op?.responses?.[status]?.content?.['application/json']?.example as Record<string, unknown> | undefined;
    };
    const order = answer('POST /v1/orders', '201') as { totals: Record<string, { amount: number }>; items: Array<{ hsCode: string }>; customs: { exportMode: string } };
    expect(order.totals.total?.amount).toBe((order.totals.merchandise?.amount ?? 0) + (order.totals.shipping?.amount ?? 0) + (order.totals.duties?.amount ?? 0));
    expect(order.items.map((i) => i.hsCode)).toEqual(['090210', '611020']);
    expect(order.customs.exportMode).toBe('9610');
    expect(answer('GET /v1/tracking/{trackingNumber}', '200')).toMatchObject({ currentFlight: { number: 'CX880', origin: 'HKG', destination: 'LAX' } });
    expect(answer('GET /v1/products/{sku}', '200')).toMatchObject({ product: { sku: 'LJ-TEA-250G', hsCode: '090210' } });
  });
});
