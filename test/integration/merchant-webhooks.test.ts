import { Webhook } from 'standardwebhooks';
import { webhookBody, type WebhookType } from '../../events/webhooks/payloads.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { eventually, request } from '../support/http.js';
import { buyer, enrolMerchant, listCatalogue, type EnrolledMerchant } from '../support/merchants.js';
import { startTestRuntime } from '../support/runtime.js';
import { startReceiver, type ReceivedWebhook, type Receiver } from '../support/webhook-receiver.js';

// Outgoing merchant webhooks on the local runtime and DynamoDB Local: endpoints CRUD, real
// deliveries to a loopback receiver verified with the standardwebhooks library, secret
// rollover, the delivery log, manual retry, and a receiver that dies mid-way.

let runtime: Runtime;
let adminKey: string;
let stop: () => Promise<void>;
let merchant: EnrolledMerchant;
const receivers: Receiver[] = [];

const previousScale = process.env.WEBHOOK_RETRY_SCALE;

beforeAll(async () => {
  // Locally the retry schedule may be shortened: 5 s -> 0.5 ms, 5 min -> 30 ms, ...
  process.env.WEBHOOK_RETRY_SCALE = '0.0001';
  ({ runtime, adminKey, stop } = await startTestRuntime('webhooks'));
  merchant = await enrolMerchant(runtime.url, adminKey);
  await listCatalogue(runtime.url, merchant.apiKey);
}, 60_000);

afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
  await stop();
  if (previousScale === undefined) delete process.env.WEBHOOK_RETRY_SCALE;
  else process.env.WEBHOOK_RETRY_SCALE = previousScale;
});

const receiver = async (options: Parameters<typeof startReceiver>[0] = {}) => {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
};

const register = async (url: string, events: WebhookType[], key = merchant.apiKey) => {
  const reply = await request(runtime.url, 'POST', '/v1/webhook-endpoints', { key, body: { url, events } });
  expect(reply.status).toBe(201);
  return { endpoint: reply.body.endpoint as { id: string; url: string; events: string[]; status: string }, secret: String(reply.body.secret) };
};

let counter = 0;
const eventId = () => `evt_${Date.now().toString(36).toUpperCase()}${String((counter += 1)).padStart(6, '0')}`;

/** An OrderPaid for the merchant, put on the bus as the outbox relay would. */
const publishPaid = (orderId: string, merchantId = merchant.merchantId) => {
  const id = eventId();
  const result = runtime.bus.put({
    Source: 'xborder.payments',
    DetailType: 'OrderPaid',
    Detail: JSON.stringify({
      metadata: { eventId: id, version: 1, occurredAt: new Date().toISOString(), correlationId: `test-${id}` },
      data: { orderId, merchantId, amount: { amount: 12259, currency: 'USD' }, paymentIntentId: `pi_${id}`, paidAt: new Date().toISOString() },
    }),
  });
  expect(result).toHaveProperty('EventId');
  return id;
};

const deliveries = async (endpointId: string) => {
  const reply = await request(runtime.url, 'GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`, { key: merchant.apiKey });
  expect(reply.status).toBe(200);
  return reply.body.data as Array<{ id: string; eventId: string; type: string; status: string; attempts: number; lastResponseCode: number | null; nextAttemptAt: string | null }>;
};

const verify = (secret: string, hook: ReceivedWebhook): unknown => new Webhook(secret).verify(hook.body, hook.headers);

/** Runs the retry sweep until `done` holds (each sweep's deliveries settle before the next). */
const retryUntil = async (done: () => Promise<boolean>, rounds = 60): Promise<void> => {
  for (let round = 0; round < rounds; round += 1) {
    await runtime.settle();
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runtime.runSchedule('RetryWebhookDeliveries');
  }
  throw new Error('deliveries did not complete');
};

describe('merchant webhook endpoints', () => {
  it('registers, lists, reads, updates and deletes endpoints; the secret is shown once', async () => {
    const hooks = await receiver();
    const { endpoint, secret } = await register(hooks.url, ['order.paid', 'order.cancelled']);
    expect(endpoint).toMatchObject({ url: hooks.url, events: ['order.paid', 'order.cancelled'], status: 'enabled' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const one = await request(runtime.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: merchant.apiKey });
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain(secret.slice(6));
    const list = await request(runtime.url, 'GET', '/v1/webhook-endpoints', { key: merchant.apiKey });
    expect((list.body.data as Array<{ id: string }>).map((e) => e.id)).toContain(endpoint.id);

    const patched = await request(runtime.url, 'PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { key: merchant.apiKey, body: { events: ['order.shipped'], status: 'disabled' } });
    expect(patched.status).toBe(200);
    expect(patched.body.endpoint).toMatchObject({ events: ['order.shipped'], status: 'disabled' });

    const other = await enrolMerchant(runtime.url, adminKey);
    expect((await request(runtime.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: other.apiKey })).status).toBe(404);
    expect((await request(runtime.url, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: other.apiKey })).status).toBe(404);

    expect((await request(runtime.url, 'DELETE', `/v1/webhook-endpoints/${endpoint.id}`, { key: merchant.apiKey })).status).toBe(204);
    expect((await request(runtime.url, 'GET', `/v1/webhook-endpoints/${endpoint.id}`, { key: merchant.apiKey })).status).toBe(404);
  });

  it('refuses bad input with 4xx problems, never 5xx', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['POST', '/v1/webhook-endpoints', { url: 'ftp://example.com/hooks', events: ['order.paid'] }],
      ['POST', '/v1/webhook-endpoints', { url: 'https://example.com/hooks', events: ['order.exploded'] }],
      ['POST', '/v1/webhook-endpoints', { url: 'https://example.com/hooks', events: [] }],
      ['POST', '/v1/webhook-endpoints', { url: 'https://user:pw@example.com/hooks', events: ['order.paid'] }],
      ['POST', '/v1/webhook-endpoints', null],
      ['PATCH', '/v1/webhook-endpoints/we_01JD5Q3ZK8Y0R6T1V2W3X4Y5E1', {}],
      ['GET', '/v1/webhook-endpoints/nope', undefined],
      ['POST', '/v1/webhook-deliveries/msg_x/retry', undefined],
    ];
    for (const [method, path, body] of cases) {
      const reply = await request(runtime.url, method, path, { key: merchant.apiKey, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect([400, 404]).toContain(reply.status);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});

describe('concurrent endpoint writes (conditional writes, never a 5xx)', () => {
  const statuses = (replies: Array<{ status: number }>) => replies.map((r) => r.status).sort((a, b) => a - b);

  it('30 concurrent creates: exactly 16 succeed, the rest get 400 validation_failed; a delete frees one place', async () => {
    const fresh = await enrolMerchant(runtime.url, adminKey);
    const create = (i: number) => request(runtime.url, 'POST', '/v1/webhook-endpoints', { key: fresh.apiKey, body: { url: `http://127.0.0.1:9/hooks/${i}`, events: ['order.paid'] } });
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => create(i)));
    expect(statuses(replies)).toEqual([...Array<number>(16).fill(201), ...Array<number>(14).fill(400)]);
    for (const refused of replies.filter((r) => r.status === 400)) {
      expect(refused.body).toMatchObject({ code: 'validation_failed', errors: [{ message: 'at most 16 endpoints per merchant' }] });
    }
    const listed = await request(runtime.url, 'GET', '/v1/webhook-endpoints?limit=100', { key: fresh.apiKey });
    expect((listed.body.data as unknown[]).length).toBe(16);

    // Deleting one frees exactly one place, also when two creates race for it.
    const first = (replies.find((r) => r.status === 201)?.body.endpoint as { id: string }).id;
    expect((await request(runtime.url, 'DELETE', `/v1/webhook-endpoints/${first}`, { key: fresh.apiKey })).status).toBe(204);
    expect(statuses(await Promise.all([create(100), create(101), create(102)]))).toEqual([201, 400, 400]);
  }, 60_000);

  it('concurrent deletes of one endpoint: one 204, the rest 404; concurrent PATCHes each apply to a fresh read', async () => {
    const fresh = await enrolMerchant(runtime.url, adminKey);
    const { endpoint } = await register('http://127.0.0.1:9/hooks/patched', ['order.paid'], fresh.apiKey);
    const path = `/v1/webhook-endpoints/${endpoint.id}`;
    const types: WebhookType[] = ['order.paid', 'order.shipped', 'order.delivered', 'order.refunded', 'order.cancelled', 'refund.succeeded'];
    const patches = await Promise.all(types.map((type) => request(runtime.url, 'PATCH', path, { key: fresh.apiKey, body: { events: [type] } })));
    expect(patches.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(patches.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    const final = (await request(runtime.url, 'GET', path, { key: fresh.apiKey })).body.endpoint as { events: string[] };
    expect(types.map((t) => [t])).toContainEqual(final.events);

    const deletes = await Promise.all(Array.from({ length: 10 }, () => request(runtime.url, 'DELETE', path, { key: fresh.apiKey })));
    expect(statuses(deletes)).toEqual([204, ...Array<number>(9).fill(404)]);
    // Counted out once: the merchant can register 16 again.
    const refill = await Promise.all(Array.from({ length: 17 }, (_, i) => request(runtime.url, 'POST', '/v1/webhook-endpoints', { key: fresh.apiKey, body: { url: `http://127.0.0.1:9/r/${i}`, events: ['order.paid'] } })));
    expect(statuses(refill)).toEqual([...Array<number>(16).fill(201), 400]);
  }, 60_000);
});

describe('deliveries', () => {
  it('delivers real, signed webhooks to a loopback receiver; the standardwebhooks library verifies them', async () => {
    const hooks = await receiver();
    const { endpoint, secret } = await register(hooks.url, ['order.paid', 'order.cancelled']);
    const ignored = await register((await receiver()).url, ['order.shipped']);

    // A real flow: an order placed and cancelled raises OrderCancelled through the outbox.
    const placed = await request(runtime.url, 'POST', '/v1/orders', {
      key: merchant.apiKey,
      headers: { 'idempotency-key': `wh-${eventId()}` },
      body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const orderId = String(placed.body.id);
    expect((await request(runtime.url, 'POST', `/v1/orders/${orderId}/cancel`, { key: merchant.apiKey })).status).toBe(200);
    const paidEvent = publishPaid(orderId);

    await eventually(async () => (hooks.received.length >= 2 ? true : undefined));
    await runtime.settle();
    expect(hooks.received).toHaveLength(2);
    const bodies = hooks.received.map((hook) => verify(secret, hook) as { id: string; type: WebhookType; createdAt: string; data: { orderId: string } });
    expect(bodies.map((b) => b.type).sort()).toEqual(['order.cancelled', 'order.paid']);
    for (const body of bodies) {
      expect(() => webhookBody(body.type).parse(body)).not.toThrow();
      expect(body.data.orderId).toBe(orderId);
    }
    expect(bodies.find((b) => b.type === 'order.paid')?.id).toBe(paidEvent);
    // No buyer data at all.
    for (const hook of hooks.received) expect(hook.body).not.toMatch(/buyer@example\.com|Alex Buyer|Harbour Road/);
    // A tampered body or another secret does not verify.
    expect(() => new Webhook(ignored.secret).verify(hooks.received[0]?.body ?? '', hooks.received[0]?.headers ?? {})).toThrow();

    const log = await deliveries(endpoint.id);
    expect(log).toHaveLength(2);
    for (const entry of log) expect(entry).toMatchObject({ status: 'succeeded', attempts: 1, lastResponseCode: 200, nextAttemptAt: null });
    expect(log.map((e) => e.id).sort()).toEqual(hooks.received.map((h) => h.headers['webhook-id']).sort());
    expect(await deliveries(ignored.endpoint.id)).toHaveLength(0);

    // A redelivered domain event creates nothing twice (the delivery id is derived from it).
    const before = hooks.received.length;
    const duplicate = runtime.bus.recent().find((e) => e['detail-type'] === 'OrderPaid' && (e.detail as { metadata: { eventId: string } }).metadata.eventId === paidEvent);
    runtime.bus.put({ Source: duplicate?.source, DetailType: duplicate?.['detail-type'], Detail: JSON.stringify(duplicate?.detail) });
    await runtime.settle();
    expect(hooks.received).toHaveLength(before);
  });

  it('signs with the old and the new secret for the rollover window', async () => {
    const hooks = await receiver();
    const { endpoint, secret: oldSecret } = await register(hooks.url, ['order.paid']);
    const rolled = await request(runtime.url, 'POST', `/v1/webhook-endpoints/${endpoint.id}/secret`, { key: merchant.apiKey });
    expect(rolled.status).toBe(201);
    const newSecret = String(rolled.body.secret);
    expect(newSecret).not.toBe(oldSecret);
    publishPaid('ord_ROLLOVER0000000000000000001');
    await runtime.settle();
    const [hook] = hooks.received;
    expect(hook?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verify(oldSecret, hook as ReceivedWebhook)).toMatchObject({ type: 'order.paid' });
    expect(verify(newSecret, hook as ReceivedWebhook)).toMatchObject({ type: 'order.paid' });
  });

  it('never follows a redirect: a 3xx is a failed attempt, retried later, and the log shows it', async () => {
    const target = await receiver();
    const hooks = await receiver({ answer: () => 302, headers: { location: target.url } });
    const { endpoint } = await register(hooks.url, ['order.paid']);
    publishPaid('ord_REDIRECT0000000000000000001');
    await runtime.settle();
    const [entry] = await deliveries(endpoint.id);
    expect(entry).toMatchObject({ status: 'pending', attempts: 1, lastResponseCode: 302 });
    expect(entry?.nextAttemptAt).not.toBeNull();
    expect(target.received).toHaveLength(0);
  });

  it('retries with backoff until the endpoint answers, and a merchant can retry a delivery by hand', async () => {
    let failFirst = 3;
    const hooks = await receiver({ answer: () => (failFirst-- > 0 ? 503 : 204) });
    const { endpoint, secret } = await register(hooks.url, ['order.paid']);
    publishPaid('ord_RETRIES00000000000000000001');
    await retryUntil(async () => (await deliveries(endpoint.id))[0]?.status === 'succeeded');
    const [entry] = await deliveries(endpoint.id);
    expect(entry).toMatchObject({ status: 'succeeded', attempts: 4, lastResponseCode: 204 });
    // Every attempt carried the same webhook-id, and each verifies.
    expect(new Set(hooks.received.map((h) => h.headers['webhook-id']))).toEqual(new Set([entry?.id]));
    for (const hook of hooks.received) expect(verify(secret, hook)).toMatchObject({ type: 'order.paid' });

    const retried = await request(runtime.url, 'POST', `/v1/webhook-deliveries/${entry?.id}/retry`, { key: merchant.apiKey });
    expect(retried.status).toBe(202);
    await runtime.settle();
    expect(hooks.received).toHaveLength(5);
    expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'succeeded', attempts: 5 });
    const other = await enrolMerchant(runtime.url, adminKey);
    expect((await request(runtime.url, 'POST', `/v1/webhook-deliveries/${entry?.id}/retry`, { key: other.apiKey })).status).toBe(404);
  });

  it('a receiver killed mid-way gets every event exactly once by webhook-id after it comes back', async () => {
    const events = 20;
    // The receiver dies on its 8th request, before answering it, and stays down.
    const stopper: { stop?: () => Promise<void> } = {};
    const dying = await receiver({
      answer: (_hook, index) => {
        if (index !== 7) return 200;
        void stopper.stop?.();
        return 'drop';
      },
    });
    stopper.stop = dying.stop;
    const { port } = dying;
    const { endpoint, secret } = await register(dying.url, ['order.paid']);
    const published: string[] = [];
    for (let i = 0; i < events; i += 1) published.push(publishPaid(`ord_KILLED${String(i).padStart(20, '0')}`));
    // Every delivery has had its first attempt: 7 answered, the 8th cut off, the rest refused.
    const firstRound = await eventually(async () => {
      const log = await deliveries(endpoint.id);
      return log.length === events && log.every((d) => d.attempts >= 1) ? log : undefined;
    }, 300);
    expect(dying.received.length).toBeGreaterThanOrEqual(8);
    const acknowledged = new Set(firstRound.filter((d) => d.status === 'succeeded').map((d) => d.id));
    expect(acknowledged.size).toBeGreaterThanOrEqual(7);
    expect(acknowledged.size).toBeLessThan(events);

    // It comes back on the same port; the retry sweeps deliver the rest.
    const back = await receiver({ port });
    await retryUntil(async () => (await deliveries(endpoint.id)).every((d) => d.status === 'succeeded'));

    const seen = [...dying.received, ...back.received];
    const byWebhookId = new Map<string, { id: string }>();
    for (const hook of seen) byWebhookId.set(hook.headers['webhook-id'] ?? '', verify(secret, hook) as { id: string });
    // Deduplicated by webhook-id, every event arrived exactly once; nothing acknowledged was sent again.
    expect(byWebhookId.size).toBe(events);
    expect([...byWebhookId.values()].map((b) => b.id).sort()).toEqual([...published].sort());
    for (const hook of back.received) expect(acknowledged.has(hook.headers['webhook-id'] ?? '')).toBe(false);
    const log = await deliveries(endpoint.id);
    expect(new Set(log.map((d) => d.id))).toEqual(new Set(byWebhookId.keys()));
  }, 90_000);
});
