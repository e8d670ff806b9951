// The offline Stripe stand-in, driven through the real `stripe` SDK (raw fetch only where the
// SDK cannot go), plus the configuration resolution of `npm run stripe:pay`.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startStripeStandIn, type StripeStandIn } from '../../../lib/local/stripe-standin.js';
import { ConfigError, parseStripePayArgs, resolveStripePayConfig } from '../../../scripts/stripe-pay.js';
import { announceRuntime } from '../../../lib/local/discovery.js';

const KEY = 'sk_test_standin_unit';
let standIn: StripeStandIn;
let stripe: Stripe;

const client = (key = KEY, maxNetworkRetries = 0): Stripe =>
  new Stripe(key, { host: standIn.host, port: standIn.port, protocol: 'http', maxNetworkRetries });

let orderSeq = 0;
const orderId = (): string => `ord_${Date.now()}_${(orderSeq += 1)}`;

/** A PaymentIntent that can be confirmed server-side without a return_url. */
const createIntent = (amount = 1000, metadata: Record<string, string> = { orderId: orderId() }) =>
  stripe.paymentIntents.create({ amount, currency: 'usd', metadata, automatic_payment_methods: { enabled: true, allow_redirects: 'never' } });

const paidIntent = async (amount = 1000) => {
  const intent = await createIntent(amount);
  return stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
};

/** The error a promise rejects with (fails the test when it resolves). */
const rejection = async (promise: Promise<unknown>): Promise<Stripe.errors.StripeError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Stripe.errors.StripeError);
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the request to fail');
};

beforeAll(async () => {
  standIn = await startStripeStandIn();
  stripe = client();
});

afterAll(async () => {
  await standIn.stop();
});

describe('Stripe stand-in: PaymentIntents', () => {
  it('creates and retrieves a PaymentIntent shaped like Stripe', async () => {
    const id = orderId();
    const created = await stripe.paymentIntents.create({ amount: 1999, currency: 'EUR', metadata: { orderId: id }, description: 'order' });
    expect(created).toMatchObject({
      object: 'payment_intent',
      amount: 1999,
      amount_received: 0,
      currency: 'eur',
      status: 'requires_payment_method',
      metadata: { orderId: id },
      description: 'order',
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
      canceled_at: null,
      automatic_payment_methods: { enabled: true, allow_redirects: 'always' },
    });
    expect(created.id).toMatch(/^pi_\w+$/);
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_\\w+$`));
    expect(Math.abs(created.created - Date.now() / 1000)).toBeLessThan(5);
    expect(created.lastResponse.requestId).toMatch(/^req_\w+$/);

    const retrieved = await stripe.paymentIntents.retrieve(created.id);
    expect(retrieved).toEqual(created);
  });

  it('encodes metadata values with reserved characters faithfully', async () => {
    const metadata = { orderId: orderId(), note: 'a&b=c [x] 100% ünïcödé + more', 'key with space': "'quoted'" };
    const created = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', metadata });
    expect(created.metadata).toEqual(metadata);
  });

  it('answers 404 resource_missing for an unknown id', async () => {
    const error = await rejection(stripe.paymentIntents.retrieve('pi_doesnotexist'));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', rawType: 'invalid_request_error' });
    expect(error.requestId).toMatch(/^req_/);
  });

  it('validates parameters as Stripe does', async () => {
    expect(await rejection(stripe.paymentIntents.create({ amount: 0, currency: 'usd' }))).toMatchObject({
      statusCode: 400,
      code: 'parameter_invalid_integer',
      param: 'amount',
    });
    expect(await rejection(stripe.paymentIntents.create({ amount: 10, currency: 'usd' }))).toMatchObject({
      code: 'amount_too_small',
      param: 'amount',
    });
    expect(await rejection(stripe.paymentIntents.create({ amount: 100, currency: 'xyz' }))).toMatchObject({ param: 'currency' });
    const missing = { amount: 100 } as unknown as Stripe.PaymentIntentCreateParams;
    expect(await rejection(stripe.paymentIntents.create(missing))).toMatchObject({ code: 'parameter_missing', param: 'currency' });
    const unknown = { amount: 100, currency: 'usd', colour: 'red' } as unknown as Stripe.PaymentIntentCreateParams;
    expect(await rejection(stripe.paymentIntents.create(unknown))).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
  });

  it('confirms with pm_card_visa: succeeded, amount received, a charge', async () => {
    const intent = await createIntent(2500);
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 2500, last_payment_error: null });
    expect(paid.latest_charge).toMatch(/^ch_/);
    expect(paid.payment_method).toMatch(/^pm_/);
    const charge = await stripe.charges.retrieve(String(paid.latest_charge));
    expect(charge).toMatchObject({ object: 'charge', amount: 2500, status: 'succeeded', paid: true, payment_intent: intent.id });
  });

  it('requires a return_url when automatic payment methods allow redirects, as Stripe does', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const error = await rejection(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: 'return_url' });
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa', return_url: 'https://example.com/return' });
    expect(paid.status).toBe('succeeded');
  });

  it('declines pm_card_chargeDeclined with a 402 card_error and records last_payment_error', async () => {
    const intent = await createIntent();
    const error = await rejection(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline', rawType: 'card_error' });
    expect(error.payment_intent).toMatchObject({ id: intent.id, status: 'requires_payment_method' });

    const after = await stripe.paymentIntents.retrieve(intent.id);
    expect(after).toMatchObject({
      status: 'requires_payment_method',
      amount_received: 0,
      payment_method: null,
      last_payment_error: { code: 'card_declined', decline_code: 'generic_decline', type: 'card_error' },
    });
    expect(after.last_payment_error?.message).toEqual(expect.any(String));

    // The customer can try again with another card.
    const retried = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(retried).toMatchObject({ status: 'succeeded', last_payment_error: null });
  });

  it('refuses to confirm a succeeded or canceled PaymentIntent', async () => {
    const paid = await paidIntent();
    const again = await rejection(stripe.paymentIntents.confirm(paid.id, { payment_method: 'pm_card_visa' }));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });

    const intent = await createIntent();
    await stripe.paymentIntents.cancel(intent.id);
    const canceled = await rejection(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }));
    expect(canceled).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('cancels, and refuses to cancel a succeeded PaymentIntent', async () => {
    const intent = await createIntent();
    const canceled = await stripe.paymentIntents.cancel(intent.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toEqual(expect.any(Number));

    const paid = await paidIntent();
    const error = await rejection(stripe.paymentIntents.cancel(paid.id));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    expect((await stripe.paymentIntents.retrieve(paid.id)).status).toBe('succeeded');
  });

  it('searches by metadata with single or double quotes', async () => {
    const id = orderId();
    const intent = await createIntent(1000, { orderId: id });
    await createIntent(1000, { orderId: `${id}_other` });
    for (const query of [`metadata['orderId']:'${id}'`, `metadata["orderId"]:"${id}"`]) {
      const result = await stripe.paymentIntents.search({ query });
      expect(result).toMatchObject({ object: 'search_result', has_more: false, next_page: null, url: '/v1/payment_intents/search' });
      expect(result.data.map((found) => found.id)).toEqual([intent.id]);
    }
    expect((await stripe.paymentIntents.search({ query: "metadata['orderId']:'nobody'" })).data).toEqual([]);
    const error = await rejection(stripe.paymentIntents.search({ query: 'orderId=nobody' }));
    expect(error).toMatchObject({ statusCode: 400, param: 'query' });
  });
});

describe('Stripe stand-in: refunds', () => {
  it('refunds partially, then the rest, then refuses: nothing left', async () => {
    const paid = await paidIntent(1000);
    const first = await stripe.refunds.create({ payment_intent: paid.id, amount: 300, reason: 'requested_by_customer', metadata: { why: 'damaged' } });
    expect(first).toMatchObject({
      object: 'refund',
      amount: 300,
      currency: 'usd',
      payment_intent: paid.id,
      charge: paid.latest_charge,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { why: 'damaged' },
    });
    expect(first.id).toMatch(/^re_/);
    const rest = await stripe.refunds.create({ payment_intent: paid.id });
    expect(rest.amount).toBe(700);
    const charge = await stripe.charges.retrieve(String(paid.latest_charge));
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: true });

    const error = await rejection(stripe.refunds.create({ payment_intent: paid.id }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
    const listed = await stripe.refunds.list({ payment_intent: paid.id });
    expect(listed.data.map((refund) => refund.amount)).toEqual([700, 300]);
  });

  it('refuses to refund more than remains', async () => {
    const paid = await paidIntent(1000);
    await stripe.refunds.create({ payment_intent: paid.id, amount: 600 });
    const error = await rejection(stripe.refunds.create({ payment_intent: paid.id, amount: 500 }));
    expect(error).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
  });

  it('refuses to refund a PaymentIntent that has not succeeded', async () => {
    const intent = await createIntent();
    const error = await rejection(stripe.refunds.create({ payment_intent: intent.id }));
    expect(error).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    expect(await rejection(stripe.refunds.create({ payment_intent: 'pi_missing' }))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('Stripe stand-in: idempotency', () => {
  it('replays the first response for the same key and parameters, creating nothing', async () => {
    const id = orderId();
    const params = { amount: 1200, currency: 'usd', metadata: { orderId: id } };
    const before = standIn.requests;
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: `create-${id}` });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey: `create-${id}` });
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(standIn.requests - before).toBe(2);
    expect((await stripe.paymentIntents.search({ query: `metadata['orderId']:'${id}'` })).data).toHaveLength(1);
  });

  it('refuses the same key with different parameters: StripeIdempotencyError', async () => {
    const key = `key-${orderId()}`;
    await stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: key });
    const error = await rejection(stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: key }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
    expect(error.message).toMatch(/^Keys for idempotent requests can only be used with the same parameters they were first used with/);
  });

  it('replays a decline too (the endpoint ran), and scopes keys per API key', async () => {
    const intent = await createIntent();
    const key = `confirm-${intent.id}`;
    const first = await rejection(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: key }));
    const replay = await rejection(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }, { idempotencyKey: key }));
    expect(replay).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(replay.charge).toBe(first.charge);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');

    // Another API key is another account: the same key is free there.
    const other = client('sk_test_other_account');
    const elsewhere = await other.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: key });
    expect(elsewhere.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('Stripe stand-in: transport', () => {
  it('injects faults the SDK sees as StripeAPIError; its retries then succeed without duplicates', async () => {
    standIn.failNext(1);
    const error = await rejection(stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });

    const id = orderId();
    const retrying = client(KEY, 1);
    const before = standIn.requests;
    standIn.failNext(1, 503);
    const created = await retrying.paymentIntents.create({ amount: 1000, currency: 'usd', metadata: { orderId: id } });
    expect(created.status).toBe('requires_payment_method');
    expect(standIn.requests - before).toBe(2);
    expect((await stripe.paymentIntents.search({ query: `metadata['orderId']:'${id}'` })).data).toHaveLength(1);
  });

  it('requires a test-mode secret key', async () => {
    const response = await fetch(`${standIn.url}/v1/payment_intents/pi_x`);
    expect(response.status).toBe(401);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/did not provide an API key/);

    const wrong = await rejection(client('sk_live_nope').paymentIntents.retrieve('pi_x'));
    expect(wrong).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(wrong.statusCode).toBe(401);
  });

  it('answers unknown routes with 404 invalid_request_error', async () => {
    const response = await fetch(`${standIn.url}/v1/customers`, { headers: { Authorization: `Bearer ${KEY}` } });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/Unrecognized request URL/) });
  });
});

describe('webhook signing helper', () => {
  it('signs with generateTestHeaderString what constructEvent verifies', async () => {
    const paid = await paidIntent();
    const secret = 'whsec_unit_test_secret';
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: paid } });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    const event = stripe.webhooks.constructEvent(payload, header, secret);
    expect(event).toMatchObject({ id: 'evt_1', type: 'payment_intent.succeeded', data: { object: { id: paid.id, status: 'succeeded' } } });
    expect(() => stripe.webhooks.constructEvent(payload.replace('succeeded', 'failed'), header, secret)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });
});

describe('npm run stripe:pay configuration', () => {
  // Runtimes announce themselves in a per-user directory (lib/local/discovery.ts); here a temporary one.
  let dataDir: string;
  let dir: string;
  const announce = (port: number, data: string, stripeUrl?: string) =>
    announceRuntime(
      { pid: process.pid, apiUrl: `http://127.0.0.1:${port}`, dataDir: data, startedAt: new Date().toISOString(), ...(stripeUrl ? { stripe: { url: stripeUrl, secretKey: `sk_test_${port}` } } : {}) },
      dir,
    );

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stripe-pay-'));
    dir = mkdtempSync(join(tmpdir(), 'stripe-pay-discovery-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the one running runtime whatever its PORT and DATA_DIR (memory included); its stand-in delivers the webhook', () => {
    announce(4123, 'memory', 'http://127.0.0.1:4010');
    const config = resolveStripePayConfig({}, dir);
    expect(config).toMatchObject({
      secretKey: 'sk_test_4123',
      delivery: 'stand-in',
      stripeApi: { host: '127.0.0.1', port: 4010, protocol: 'http' },
      webhookUrl: 'http://127.0.0.1:4123/v1/webhooks/stripe',
    });
    expect(resolveStripePayConfig({ DATA_DIR: 'memory' }, dir).webhookUrl).toBe('http://127.0.0.1:4123/v1/webhooks/stripe');
  });

  it('picks one of several by PORT, API_URL or DATA_DIR, and refuses to guess otherwise', () => {
    announce(4123, 'memory', 'http://127.0.0.1:4010');
    announce(4124, dataDir, 'http://127.0.0.1:4011');
    expect(() => resolveStripePayConfig({}, dir)).toThrow(/several runtimes/);
    expect(resolveStripePayConfig({ PORT: '4124' }, dir).secretKey).toBe('sk_test_4124');
    expect(resolveStripePayConfig({ API_URL: 'http://127.0.0.1:4123/' }, dir).secretKey).toBe('sk_test_4123');
    expect(resolveStripePayConfig({ DATA_DIR: dataDir }, dir).secretKey).toBe('sk_test_4124');
    expect(() => resolveStripePayConfig({ PORT: '5000' }, dir)).toThrow(/no running `npm start` matches PORT=5000/);
  });

  it('ignores (and removes) the entry of a runtime that is gone, and explains what is missing', () => {
    const forget = announce(4125, 'memory', 'http://127.0.0.1:4012');
    forget();
    expect(() => resolveStripePayConfig({}, dir)).toThrow(/no running `npm start` found/);
    writeFileSync(join(dir, 'runtime-4126.json'), JSON.stringify({ pid: 2 ** 22 + 17, apiUrl: 'http://127.0.0.1:4126', dataDir: 'memory', startedAt: 'x' }));
    expect(() => resolveStripePayConfig({}, dir)).toThrow(ConfigError);
    expect(existsSync(join(dir, 'runtime-4126.json'))).toBe(false);
  });

  it('with real Stripe (a key from the environment) signs here, with the secret from the environment or DATA_DIR', () => {
    writeFileSync(join(dataDir, 'local-secrets.json'), JSON.stringify({ stripeSecretKey: 'sk_test_standin_x', stripeWebhookSecret: 'whsec_x' }));
    const env = { DATA_DIR: dataDir, STRIPE_SECRET_KEY: 'sk_test_real', STRIPE_WEBHOOK_SECRET: 'whsec_real', API_URL: 'http://localhost:9999/' };
    const real = resolveStripePayConfig(env, dir);
    expect(real).toMatchObject({ secretKey: 'sk_test_real', webhookSecret: 'whsec_real', delivery: 'here', webhookUrl: 'http://localhost:9999/v1/webhooks/stripe' });
    expect(real.stripeApi).toBeUndefined();
    expect(resolveStripePayConfig({ ...env, STRIPE_API_BASE: 'https://stripe-mock.internal' }, dir).stripeApi).toEqual({ host: 'stripe-mock.internal', port: 443, protocol: 'https' });
    expect(resolveStripePayConfig({ DATA_DIR: dataDir, STRIPE_SECRET_KEY: 'sk_test_real', PORT: '3100' }, dir)).toMatchObject({ webhookSecret: 'whsec_x', webhookUrl: 'http://127.0.0.1:3100/v1/webhooks/stripe' });
    expect(() => resolveStripePayConfig({ DATA_DIR: 'memory', STRIPE_SECRET_KEY: 'sk_test_y' }, dir)).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => resolveStripePayConfig({ DATA_DIR: dataDir, STRIPE_API_BASE: 'not a url' }, dir)).toThrow(ConfigError);
  });

  it('parses the command line', () => {
    expect(parseStripePayArgs(['ord_1'])).toEqual({ orderId: 'ord_1', decline: false });
    expect(parseStripePayArgs(['--decline', 'ord_1'])).toEqual({ orderId: 'ord_1', decline: true });
    expect(() => parseStripePayArgs([])).toThrow(ConfigError);
    expect(() => parseStripePayArgs(['ord_1', '--fast'])).toThrow(ConfigError);
    expect(() => parseStripePayArgs(["ord_1'"])).toThrow(ConfigError);
  });
});
