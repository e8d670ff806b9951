import Stripe from 'stripe';
import type { Runtime } from '../../lib/local/runtime.js';
import { request, type Reply } from '../support/http.js';
import { buyer, enrolMerchant, listCatalogue, type EnrolledMerchant } from '../support/merchants.js';
import { startTestRuntime, testStripeKey } from '../support/runtime.js';

// The Stripe webhook against what a real Stripe account sends: objects other integrations
// created (acknowledged and kept for operators, never 404 for days), events for orders not
// written yet (retried for at most an hour), and signed payloads that are not events (400).

let runtime: Runtime;
let adminKey: string;
let stop: () => Promise<void>;
let stripe: Stripe;
let merchant: EnrolledMerchant;
const returnUrl = 'https://shop.example/return';

beforeAll(async () => {
  const started = await startTestRuntime('stripehook');
  ({ runtime, adminKey, stop } = started);
  stripe = new Stripe(testStripeKey, { host: started.stripe.host, port: started.stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  merchant = await enrolMerchant(runtime.url, adminKey, ['US']);
  await listCatalogue(runtime.url, merchant.apiKey);
});

afterAll(async () => {
  await stop();
});

/** Posts a payload signed with the webhook secret, exactly as given (any JSON text). */
const post = (payload: string): Promise<Reply> => {
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_dGVzdC13ZWJob29rLXNlY3JldA==' });
  return request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: payload, headers: { 'stripe-signature': signature } });
};

const nowSeconds = () => Math.floor(Date.now() / 1000);
const newEventId = () => `evt_${Math.random().toString(36).slice(2)}`;
const eventOf = (type: string, object: unknown, id = newEventId(), created = nowSeconds()) =>
  JSON.stringify({ id, object: 'event', api_version: '2025-01-01', created, livemode: false, type, data: { object } });

type Kept = { eventId: string; type: string; reason: string; objectId: string | null; orderId: string | null };
const keptEvents = async (): Promise<Kept[]> => {
  const kept: Kept[] = [];
  let cursor: string | null = null;
  do {
    const reply = await request(runtime.url, 'GET', `/v1/admin/stripe-events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: adminKey });
    expect(reply.status).toBe(200);
    kept.push(...(reply.body.data as Kept[]));
    cursor = reply.body.nextCursor as string | null;
  } while (cursor);
  return kept;
};

/** A succeeded PaymentIntent made by another integration on the same account: no orderId in its metadata. */
const foreignIntent = async (metadata: Record<string, string> = {}) => {
  const intent = await stripe.paymentIntents.create({ amount: 1999, currency: 'usd', automatic_payment_methods: { enabled: true }, metadata });
  return stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa', return_url: returnUrl });
};

describe('events that are not ours', () => {
  it('acknowledges a PaymentIntent another integration created and keeps it once for operators', async () => {
    const intent = await foreignIntent({ shop: 'another-app' });
    const id = newEventId();
    expect((await post(eventOf('payment_intent.succeeded', intent, id))).status).toBe(200);
    expect((await post(eventOf('payment_intent.succeeded', intent, id))).status).toBe(200); // Stripe redelivers
    const kept = (await keptEvents()).filter((e) => e.eventId === id);
    expect(kept).toEqual([expect.objectContaining({ type: 'payment_intent.succeeded', reason: 'not_ours', objectId: intent.id, orderId: null })]);
  });

  it('acknowledges and keeps a refund of another integration’s charge (charge.refunded)', async () => {
    const intent = await foreignIntent();
    await stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
    const charge = { id: 'ch_foreign', object: 'charge', payment_intent: intent.id, amount: 1999, amount_refunded: 500, currency: 'usd', metadata: {} };
    const id = newEventId();
    expect((await post(eventOf('charge.refunded', charge, id))).status).toBe(200);
    expect((await keptEvents()).map((e) => e.eventId)).toContain(id);
  });

  it('acknowledges event types it does not handle without keeping them', async () => {
    const id = newEventId();
    expect((await post(eventOf('customer.created', { id: 'cus_1', object: 'customer' }, id))).status).toBe(200);
    expect((await keptEvents()).map((e) => e.eventId)).not.toContain(id);
  });

  it('asks Stripe to retry an event for an order not written yet, for an hour; then acknowledges and keeps it', async () => {
    const orderId = 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E';
    const intent = await foreignIntent({ orderId });
    const young = newEventId();
    expect(await post(eventOf('payment_intent.succeeded', intent, young, nowSeconds() - 3500))).toMatchObject({ status: 404, body: { code: 'not_found' } });
    // Stripe's clock a little ahead of ours: still retried. Hours ahead: no credible age, kept at once.
    expect((await post(eventOf('payment_intent.succeeded', intent, newEventId(), nowSeconds() + 120))).status).toBe(404);
    const future = newEventId();
    expect((await post(eventOf('payment_intent.succeeded', intent, future, nowSeconds() + 10 * 3600))).status).toBe(200);
    const old = newEventId();
    expect((await post(eventOf('payment_intent.succeeded', intent, old, nowSeconds() - 3700))).status).toBe(200);
    const kept = await keptEvents();
    expect(kept.filter((e) => e.eventId === old || e.eventId === future)).toHaveLength(2);
    expect(kept.filter((e) => e.eventId === old)).toEqual([expect.objectContaining({ reason: 'order_not_found', orderId })]);
    expect(kept.map((e) => e.eventId)).not.toContain(young);
  });

  it('keeps an event whose orderId cannot be one of ours (another integration’s own order ids)', async () => {
    const intent = await foreignIntent({ orderId: '100234' });
    const id = newEventId();
    expect((await post(eventOf('payment_intent.succeeded', intent, id))).status).toBe(200);
    expect((await keptEvents()).filter((e) => e.eventId === id)).toEqual([expect.objectContaining({ reason: 'not_ours' })]);
  });

  it('still applies our own events: the order is paid', async () => {
    const placed = await request(runtime.url, 'POST', '/v1/orders', {
      key: merchant.apiKey,
      body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 1 }] },
      headers: { 'idempotency-key': `ours-${Math.random()}` },
    });
    const order = placed.body as { id: string; payment: { paymentIntentId: string } };
    const intent = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_visa', return_url: returnUrl });
    expect((await post(eventOf('payment_intent.succeeded', intent))).status).toBe(200);
    expect((await request(runtime.url, 'GET', `/v1/orders/${order.id}`, { key: merchant.apiKey })).body.status).toBe('paid');
  });

  it('is for operators only', async () => {
    expect((await request(runtime.url, 'GET', '/v1/admin/stripe-events', { key: merchant.apiKey })).status).toBe(403);
  });
});

describe('signed payloads that are not well-formed events', () => {
  const intentLike = { id: 'pi_1', object: 'payment_intent', amount_received: 100, currency: 'usd', metadata: {} };
  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"evt_1"'],
    ['an event without id', JSON.stringify({ type: 'payment_intent.succeeded', created: 1, data: { object: intentLike } })],
    ['data.object null', JSON.stringify({ id: 'evt_null_object', type: 'payment_intent.succeeded', created: 1, data: { object: null } })],
    ['an evt_ id of 2,100 characters', eventOf('payment_intent.succeeded', intentLike, `evt_${'a'.repeat(2096)}`)],
    ['a PaymentIntent without amount', eventOf('payment_intent.succeeded', { id: 'pi_2', currency: 'usd' })],
    ['a PaymentIntent id of 2,100 characters', eventOf('payment_intent.succeeded', { ...intentLike, id: `pi_${'b'.repeat(2097)}` })],
    ['a charge with a numeric payment_intent', eventOf('charge.refunded', { id: 'ch_1', payment_intent: 42 })],
    ['an unknown type with data.object null', JSON.stringify({ id: 'evt_unknown_null', type: 'customer.created', created: 1, data: { object: null } })],
  ])('answers 400 validation_failed to %s', async (_name, payload) => {
    const reply = await post(payload);
    expect(reply).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers 400 malformed_json to signed text that is not JSON', async () => {
    expect(await post('{"id": "evt_')).toMatchObject({ status: 400, body: { code: 'malformed_json' } });
  });

  it('still refuses a bad signature with 400 invalid_signature', async () => {
    const reply = await request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: '[]', headers: { 'stripe-signature': 't=1,v1=00' } });
    expect(reply).toMatchObject({ status: 400, body: { code: 'invalid_signature' } });
  });
});
