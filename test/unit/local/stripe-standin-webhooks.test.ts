// The Stripe stand-in behaves like Stripe where local users depend on it: it keeps its state
// across restarts, sends each event signed to the webhook endpoint, retries until it is
// accepted (also after a restart), and resends an event on request.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startStripeStandIn, type StripeStandIn } from '../../../lib/local/stripe-standin.js';

const KEY = 'sk_test_standin_webhooks';
const SECRET = 'whsec_c3RhbmQtaW4td2ViaG9va3M=';
let dir: string;
const open: StripeStandIn[] = [];
const servers: Server[] = [];

/** A webhook endpoint that verifies signatures with the real SDK and answers the planned statuses, then 200. */
const receiver = async (plan: number[] = []) => {
  const received: Stripe.Event[] = [];
  const verifier = new Stripe(KEY);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = Buffer.concat(chunks).toString('utf8');
      try {
        received.push(verifier.webhooks.constructEvent(payload, String(req.headers['stripe-signature']), SECRET));
      } catch {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(plan.shift() ?? 200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/v1/webhooks/stripe`, received };
};

const start = async () => {
  const standIn = await startStripeStandIn({ stateFile: join(dir, 'stripe-standin-state.json'), webhookRetryBaseMs: 20, webhookMaxDelayMs: 100 });
  open.push(standIn);
  return { standIn, stripe: new Stripe(KEY, { host: standIn.host, port: standIn.port, protocol: 'http', maxNetworkRetries: 0 }) };
};

const paid = async (stripe: Stripe, decline = false) => {
  const intent = await stripe.paymentIntents.create({ amount: 1200, currency: 'usd', metadata: { orderId: 'ord_1' }, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });
  try {
    await stripe.paymentIntents.confirm(intent.id, { payment_method: decline ? 'pm_card_chargeDeclined' : 'pm_card_visa' });
  } catch (error) {
    if (!decline) throw error;
  }
  return intent.id;
};

const until = async (what: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'standin-state-'));
});
afterEach(async () => {
  for (const standIn of open.splice(0)) await standIn.stop();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('Stripe stand-in: state across restarts', () => {
  it('keeps PaymentIntents and charges: after a restart the payment is found and can be refunded', async () => {
    const first = await start();
    const id = await paid(first.stripe);
    await first.standIn.stop();
    const second = await start();
    await expect(second.stripe.paymentIntents.retrieve(id)).resolves.toMatchObject({ id, status: 'succeeded' });
    await expect(second.stripe.refunds.create({ payment_intent: id, amount: 200 })).resolves.toMatchObject({ status: 'succeeded', amount: 200 });
    const events = await second.stripe.events.list({ limit: 10 });
    expect(events.data.map((e) => e.type)).toEqual(['charge.refunded', 'payment_intent.succeeded']);
  });
});

describe('Stripe stand-in: webhooks', () => {
  it('sends each event signed and retries with backoff until the endpoint accepts it', async () => {
    const { standIn, stripe } = await start();
    const endpoint = await receiver([503, 500]);
    standIn.setWebhookEndpoint({ url: endpoint.url, secret: SECRET });
    const id = await paid(stripe);
    await until(() => endpoint.received.length === 3);
    expect(endpoint.received.map((e) => e.type)).toEqual(['payment_intent.succeeded', 'payment_intent.succeeded', 'payment_intent.succeeded']);
    expect(new Set(endpoint.received.map((e) => e.id)).size).toBe(1); // the same event each time
    expect(endpoint.received[0]?.data.object).toMatchObject({ id, status: 'succeeded' });
    const [event] = (await stripe.events.list({ type: 'payment_intent.succeeded' })).data;
    await until(() => standIn.pendingWebhooks() === 0);
    expect((await stripe.events.retrieve(event?.id ?? '')).pending_webhooks).toBe(0);
  });

  it('sends payment_intent.payment_failed for a declined card', async () => {
    const { standIn, stripe } = await start();
    const endpoint = await receiver();
    standIn.setWebhookEndpoint({ url: endpoint.url, secret: SECRET });
    const id = await paid(stripe, true);
    await until(() => endpoint.received.length === 1);
    expect(endpoint.received[0]).toMatchObject({ type: 'payment_intent.payment_failed', data: { object: { id } } });
  });

  it('keeps an undelivered event across a restart and delivers it once the endpoint answers', async () => {
    const first = await start();
    const down = await receiver([503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503]);
    first.standIn.setWebhookEndpoint({ url: down.url, secret: SECRET });
    const id = await paid(first.stripe);
    await until(() => down.received.length >= 1);
    await first.standIn.stop();

    const second = await start();
    expect(second.standIn.pendingWebhooks()).toBe(1);
    const up = await receiver();
    second.standIn.setWebhookEndpoint({ url: up.url, secret: SECRET });
    await until(() => up.received.length === 1);
    expect(up.received[0]).toMatchObject({ id: down.received[0]?.id, type: 'payment_intent.succeeded', data: { object: { id } } });
    await until(() => second.standIn.pendingWebhooks() === 0);
  });

  it('resends an event on request (POST /v1/events/{id}/retry)', async () => {
    const { standIn, stripe } = await start();
    const endpoint = await receiver();
    standIn.setWebhookEndpoint({ url: endpoint.url, secret: SECRET });
    await paid(stripe);
    await until(() => endpoint.received.length === 1);
    const eventId = endpoint.received[0]?.id ?? '';
    const reply = await fetch(`${standIn.url}/v1/events/${eventId}/retry`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(reply.status).toBe(200);
    await until(() => endpoint.received.length === 2);
    expect(endpoint.received[1]?.id).toBe(eventId);
    const missing = await fetch(`${standIn.url}/v1/events/evt_nope/retry`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(missing.status).toBe(404);
  });
});
