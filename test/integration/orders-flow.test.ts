import Stripe from 'stripe';
import { dynamodb } from '../../functions/shared/clients/dynamodb.js';
import type { Runtime } from '../../lib/local/runtime.js';
import type { StripeStandIn } from '../../lib/local/stripe-standin.js';
import { eventually, request, type Reply } from '../support/http.js';
import { buyer, catalogue, enrolMerchant, listCatalogue, randomUscc, type EnrolledMerchant } from '../support/merchants.js';
import { startTestRuntime, testStripeKey, testWebhookSecret } from '../support/runtime.js';

// Merchant API end to end on DynamoDB Local and the offline Stripe stand-in, through the
// real Stripe SDK: enrolment, catalogue, orders with landed cost, idempotency, payments
// by signed webhook, refunds and cancellation.

let runtime: Runtime;
let adminKey: string;
let stop: () => Promise<void>;
let stripe: Stripe;
let merchant: EnrolledMerchant;
let standIn: StripeStandIn;

type Order = {
  id: string;
  status: string;
  totals: Record<'merchandise' | 'shipping' | 'duties' | 'total', { amount: number; currency: string }>;
  settlement: { merchandise: { amount: number }; fxRate: string };
  payment: { paymentIntentId: string; clientSecret: string; paid: { amount: number }; refunded: { amount: number }; lastError?: { code: string } };
  customs: { exportMode: string; items: Array<{ sku: string; hsCode: string; declaredValue: { amount: number; currency: string } }> };
  refunds: Array<{ amount: { amount: number }; source: string }>;
};

/** Automatic payment methods may redirect (wallets), so confirming server-side names a return URL. */
const returnUrl = 'https://shop.example/return';

const usOrder = (items = [{ sku: 'TEA-1', quantity: 2 }, { sku: 'SILK-1', quantity: 1 }]) => ({ currency: 'USD', buyer: buyer('US'), items });
const hkOrder = () => ({ currency: 'HKD', buyer: buyer('HK'), items: [{ sku: 'TEA-1', quantity: 1 }] });

const place = (body: unknown, key = `idem-${Math.random()}`, merchantKey = merchant.apiKey, headers: Record<string, string> = {}): Promise<Reply> =>
  request(runtime.url, 'POST', '/v1/orders', { key: merchantKey, body, headers: { 'idempotency-key': key, ...headers } });

const getOrder = async (id: string, key = merchant.apiKey): Promise<Order> => {
  const reply = await request(runtime.url, 'GET', `/v1/orders/${id}`, { key });
  expect(reply.status).toBe(200);
  return reply.body as unknown as Order;
};

/** Sends a Stripe event to the webhook, signed with the SDK's own test-header helper. */
const deliver = async (type: string, object: unknown, id = `evt_${Math.random().toString(36).slice(2)}`, secret = testWebhookSecret): Promise<Reply> => {
  const payload = JSON.stringify({ id, object: 'event', api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
  return request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: payload, headers: { 'stripe-signature': signature } });
};

const payOrder = async (order: Order, eventId?: string): Promise<Reply> => {
  const intent = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_visa', return_url: returnUrl });
  return deliver('payment_intent.succeeded', intent, eventId);
};

const orderEvents = (orderId: string, detailType: string) =>
  runtime.bus.recent().filter((e) => e['detail-type'] === detailType && JSON.stringify(e.detail).includes(orderId));

beforeAll(async () => {
  ({ runtime, adminKey, stop, stripe: standIn } = await startTestRuntime('orders'));
  stripe = new Stripe(testStripeKey, { host: standIn.host, port: standIn.port, protocol: 'http', maxNetworkRetries: 0 });
  merchant = await enrolMerchant(runtime.url, adminKey, ['US', 'HK']);
  await listCatalogue(runtime.url, merchant.apiKey);
});

afterAll(async () => {
  await stop();
});

describe('merchant enrolment', () => {
  it('validates the USCC check character and refuses a second enrolment of the same legal entity', async () => {
    const uscc = randomUscc();
    const body = { name: 'Ningbo Exports Ltd', uscc, contactEmail: 'ops@ningbo.example.cn', markets: ['MO'] };
    const first = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ merchant: { id: expect.stringMatching(/^mer_/), uscc, markets: ['MO'] }, apiKey: expect.stringMatching(/^xbk_/) });
    const again = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body });
    expect(again).toMatchObject({ status: 409, body: { code: 'already_exists' } });

    const wrongCheck = `${uscc.slice(0, 17)}${uscc.endsWith('0') ? '1' : '0'}`;
    const bad = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { ...body, uscc: wrongCheck } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ path: 'uscc' }] } });
    const noMarkets = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { ...body, uscc: randomUscc(), markets: [] } });
    expect(noMarkets).toMatchObject({ status: 400, body: { errors: [{ path: 'markets' }] } });
    const otherMarket = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { ...body, uscc: randomUscc(), markets: ['JP'] } });
    expect(otherMarket.status).toBe(400);
    const asMerchant = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: merchant.apiKey, body: { ...body, uscc: randomUscc() } });
    expect(asMerchant.status).toBe(403);
  });
});

describe('catalogue', () => {
  it('creates (201) then replaces (200) a product, keeping when it was created', async () => {
    const created = await request(runtime.url, 'PUT', '/v1/products/MUG-1', { key: merchant.apiKey, body: { ...catalogue['TEA-1'], title: { en: 'Mug', zh: '杯子' } } });
    expect(created.status).toBe(201);
    const replaced = await request(runtime.url, 'PUT', '/v1/products/MUG-1', { key: merchant.apiKey, body: { ...catalogue['TEA-1'], title: { en: 'Mug (large)' } } });
    expect(replaced.status).toBe(200);
    const product = (await request(runtime.url, 'GET', '/v1/products/MUG-1', { key: merchant.apiKey })).body.product as Record<string, unknown>;
    expect(product).toMatchObject({ sku: 'MUG-1', title: { en: 'Mug (large)' }, price: { amount: 12800, currency: 'CNY' }, hsCode: '090210' });
    expect((product.title as Record<string, unknown>).zh).toBeUndefined();
    expect(product.createdAt).toBe((created.body.product as { createdAt: string }).createdAt);
  });

  it('validates HS codes and prices, and scopes products to their merchant', async () => {
    const badHs = await request(runtime.url, 'PUT', '/v1/products/X-1', { key: merchant.apiKey, body: { ...catalogue['TEA-1'], hsCode: '0902' } });
    expect(badHs).toMatchObject({ status: 400, body: { errors: [{ path: 'hsCode' }] } });
    const usd = await request(runtime.url, 'PUT', '/v1/products/X-1', { key: merchant.apiKey, body: { ...catalogue['TEA-1'], price: { amount: 100, currency: 'USD' } } });
    expect(usd.status).toBe(400);
    const other = await enrolMerchant(runtime.url, adminKey, ['US']);
    expect((await request(runtime.url, 'GET', '/v1/products/TEA-1', { key: other.apiKey })).status).toBe(404);
  });

  it('lists the catalogue with cursors', async () => {
    const first = await request(runtime.url, 'GET', '/v1/products?limit=2', { key: merchant.apiKey });
    expect((first.body.data as unknown[]).length).toBe(2);
    const next = await request(runtime.url, 'GET', `/v1/products?limit=100&cursor=${encodeURIComponent(String(first.body.nextCursor))}`, { key: merchant.apiKey });
    const skus = [...(first.body.data as Array<{ sku: string }>), ...(next.body.data as Array<{ sku: string }>)].map((p) => p.sku);
    expect(skus).toEqual(expect.arrayContaining(Object.keys(catalogue)));
    expect(new Set(skus).size).toBe(skus.length);
  });
});

describe('placing orders', () => {
  it('prices a US order: FX snapshot, half-up conversion, rate card by weight, duty from the first dollar', async () => {
    const reply = await place(usOrder());
    expect(reply.status).toBe(201);
    const order = reply.body as unknown as Order;
    // 2 x 128.00 + 459.00 = 715.00 CNY; / 7.15 = 100.00 USD
    // 800 g: 60 + 1 x 30 = 90.00 CNY; / 7.15 = 12.587… -> 12.59 USD (half-up)
    // duty 10% of 715.00 = 71.50 CNY; / 7.15 = 10.00 USD
    expect(order.totals).toEqual({
      merchandise: { amount: 10000, currency: 'USD' },
      shipping: { amount: 1259, currency: 'USD' },
      duties: { amount: 1000, currency: 'USD' },
      total: { amount: 12259, currency: 'USD' },
    });
    expect(order.settlement).toMatchObject({ merchandise: { amount: 71500, currency: 'CNY' }, fxRate: '7.1500' });
    expect(order.status).toBe('pending_payment');
    expect(order.customs.exportMode).toBe('9610');
    expect(order.customs.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ sku: 'TEA-1', hsCode: '090210', declaredValue: { amount: 25600, currency: 'CNY' } })]),
    );
    const intent = await stripe.paymentIntents.retrieve(order.payment.paymentIntentId);
    expect(intent).toMatchObject({ amount: 12259, currency: 'usd', metadata: { orderId: order.id } });
    expect(order.payment.clientSecret).toBe(intent.client_secret);
    await runtime.settle();
    expect(orderEvents(order.id, 'OrderPlaced')).toHaveLength(1);
  });

  it('prices an HK order with no duty (free port)', async () => {
    const reply = await place(hkOrder());
    // 128.00 / 0.92 = 139.1304… -> 139.13; 250 g: 20.00 / 0.92 = 21.739… -> 21.74
    expect((reply.body as unknown as Order).totals).toEqual({
      merchandise: { amount: 13913, currency: 'HKD' },
      shipping: { amount: 2174, currency: 'HKD' },
      duties: { amount: 0, currency: 'HKD' },
      total: { amount: 16087, currency: 'HKD' },
    });
  });

  it.each([
    ['no Idempotency-Key', () => request(runtime.url, 'POST', '/v1/orders', { key: merchant.apiKey, body: usOrder() }), 400, 'idempotency_key_required'],
    ['a market the merchant is not enrolled in', () => place({ currency: 'MOP', buyer: buyer('MO'), items: [{ sku: 'TEA-1', quantity: 1 }] }), 422, 'market_not_enabled'],
    ['an unknown SKU', () => place(usOrder([{ sku: 'NOPE-1', quantity: 1 }])), 422, 'unknown_sku'],
    ['arms, restricted everywhere', () => place(usOrder([{ sku: 'SWORD-1', quantity: 1 }])), 422, 'restricted_item'],
    ['spirits to Hong Kong', () => place({ ...hkOrder(), items: [{ sku: 'BAIJIU-1', quantity: 1 }] }), 422, 'restricted_item'],
    ['a currency other than the market’s', () => place({ ...usOrder(), currency: 'HKD' }), 400, 'validation_failed'],
    ['a malformed buyer e-mail', () => place({ ...usOrder(), buyer: { ...buyer('US'), email: 'nope' } }), 400, 'validation_failed'],
    ['zero quantity', () => place(usOrder([{ sku: 'TEA-1', quantity: 0 }])), 400, 'validation_failed'],
  ])('refuses %s', async (_, send, status, code) => {
    const reply = await send();
    expect(reply.status).toBe(status);
    expect(reply.body.code).toBe(code);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
  });

  it('ships spirits to the US (restricted only in HK and MO)', async () => {
    expect((await place(usOrder([{ sku: 'BAIJIU-1', quantity: 1 }]))).status).toBe(201);
  });

  it('issues exactly one BatchGetItem and one TransactWriteItems to create an order', async () => {
    await request(runtime.url, 'GET', '/v1/products/TEA-1', { key: merchant.apiKey }); // warms the key cache
    const calls: string[] = [];
    const name = 'count-dynamodb-calls';
    dynamodb.middlewareStack.add((next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize', name });
    try {
      expect((await place(usOrder())).status).toBe(201);
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    // The operation, whichever client (document or low-level) carried it.
    expect(calls.map((c) => c.replace(/(Items?)?Command$/, ''))).toEqual(['BatchGet', 'TransactWrite']);
  });
});

describe('faults mid-way lose nothing and pay nothing twice', () => {
  it('reuses the PaymentIntent when a retry follows a crash between Stripe and the write', async () => {
    const name = 'fail-transact-write-once';
    let failed = false;
    dynamodb.middlewareStack.add((next, context) => async (args) => {
      if (!failed && String(context.commandName).startsWith('TransactWrite')) {
        failed = true;
        throw Object.assign(new Error('simulated crash'), { name: 'InternalServerError' });
      }
      return next(args);
    }, { step: 'initialize', name });
    let first: Reply;
    try {
      first = await place(usOrder(), 'crash-retry');
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    expect(first.status).toBe(500);
    const retry = await place(usOrder(), 'crash-retry');
    expect(retry.status).toBe(201);
    const intents = await stripe.paymentIntents.search({ query: `metadata['orderId']:'${String(retry.body.id)}'` });
    expect(intents.data.map((i) => i.id)).toEqual([(retry.body as unknown as Order).payment.paymentIntentId]);
  });

  it('answers 503 and writes nothing while Stripe is down, then places the order on retry', async () => {
    standIn.failNext(10);
    const down = await place(usOrder(), 'stripe-down');
    expect(down).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
    expect(JSON.stringify(down.body)).not.toMatch(/stripe|api_error|req_/i);
    standIn.failNext(0);
    const retry = await place(usOrder(), 'stripe-down');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, creating nothing', async () => {
    const first = await place(usOrder(), 'replay-1');
    const again = await place(usOrder(), 'replay-1');
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const intents = await stripe.paymentIntents.search({ query: `metadata['orderId']:'${String(first.body.id)}'` });
    expect(intents.data).toHaveLength(1);
  });

  it('refuses the same key with another body (422)', async () => {
    await place(usOrder(), 'reused-1');
    const other = await place(hkOrder(), 'reused-1');
    expect(other).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
  });

  it('creates exactly one order and one PaymentIntent for concurrent requests with one key', async () => {
    const replies = await Promise.all(Array.from({ length: 6 }, () => place(usOrder(), 'concurrent-1')));
    const ids = new Set(replies.filter((r) => r.status === 201).map((r) => String(r.body.id)));
    for (const r of replies) expect([201, 409]).toContain(r.status);
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const intents = await stripe.paymentIntents.search({ query: `metadata['orderId']:'${String(id)}'` });
    expect(intents.data).toHaveLength(1);
    await runtime.settle();
    expect(orderEvents(String(id), 'OrderPlaced')).toHaveLength(1);
  });

  it('keeps keys per merchant: another merchant may use the same key', async () => {
    const other = await enrolMerchant(runtime.url, adminKey, ['US']);
    await listCatalogue(runtime.url, other.apiKey);
    const mine = await place(usOrder(), 'shared-key');
    const theirs = await place(usOrder(), 'shared-key', other.apiKey);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});

describe('reading orders', () => {
  it('hides another merchant’s order (404), for reads and changes alike', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const other = await enrolMerchant(runtime.url, adminKey, ['US']);
    expect((await request(runtime.url, 'GET', `/v1/orders/${order.id}`, { key: other.apiKey })).status).toBe(404);
    expect((await request(runtime.url, 'POST', `/v1/orders/${order.id}/cancel`, { key: other.apiKey })).status).toBe(404);
    expect((await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: other.apiKey, body: { reason: 'x' }, headers: { 'idempotency-key': `refund-${Math.random()}` } })).status).toBe(404);
  });

  it('lists newest first across shards, pages with cursors, filters by status', async () => {
    const shop = await enrolMerchant(runtime.url, adminKey, ['US', 'HK']);
    await listCatalogue(runtime.url, shop.apiKey);
    const placed: string[] = [];
    for (let i = 0; i < 7; i += 1) placed.push(String((await place(i % 2 ? hkOrder() : usOrder(), `list-${i}`, shop.apiKey)).body.id));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await request(runtime.url, 'GET', `/v1/orders?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: shop.apiKey });
      expect(page.status).toBe(200);
      seen.push(...(page.body.data as Order[]).map((o) => o.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual([...placed].reverse());

    await request(runtime.url, 'POST', `/v1/orders/${placed[2]}/cancel`, { key: shop.apiKey });
    const cancelled = await request(runtime.url, 'GET', '/v1/orders?status=cancelled', { key: shop.apiKey });
    expect((cancelled.body.data as Order[]).map((o) => o.id)).toEqual([placed[2]]);
    const forged = await request(runtime.url, 'GET', `/v1/orders?status=paid&cursor=${encodeURIComponent(String((await request(runtime.url, 'GET', '/v1/orders?limit=1', { key: shop.apiKey })).body.nextCursor))}`, { key: shop.apiKey });
    expect(forged.status).toBe(400); // a cursor is bound to its list
  });
});

describe('payments (Stripe webhook)', () => {
  it('refuses a bad signature with 400 and changes nothing', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const intent = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_visa', return_url: returnUrl });
    const wrongSecret = await deliver('payment_intent.succeeded', intent, undefined, 'whsec_d3Jvbmctc2VjcmV0');
    expect(wrongSecret).toMatchObject({ status: 400, body: { code: 'invalid_signature' } });
    const unsigned = await request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: { id: 'evt_x', type: 'payment_intent.succeeded', data: { object: intent } } });
    expect(unsigned.status).toBe(400);
    expect((await getOrder(order.id)).status).toBe('pending_payment');
  });

  it('marks the order paid once, emitting OrderPaid once, however often Stripe delivers the event', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const first = await payOrder(order, 'evt_paid_once');
    expect(first.status).toBe(200);
    const again = await deliver('payment_intent.succeeded', await stripe.paymentIntents.retrieve(order.payment.paymentIntentId), 'evt_paid_once');
    expect(again.status).toBe(200);
    const paid = await getOrder(order.id);
    expect(paid.status).toBe('paid');
    expect(paid.payment.paid.amount).toBe(12259);
    await runtime.settle();
    expect(orderEvents(order.id, 'OrderPaid')).toHaveLength(1);
  });

  it('does not mark an order paid when the amount or currency differs from its total', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const intent = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_visa', return_url: returnUrl });
    const reply = await deliver('payment_intent.succeeded', { ...intent, amount: 100, amount_received: 100 });
    expect(reply.status).toBe(200);
    const after = await getOrder(order.id);
    expect(after.status).toBe('pending_payment');
    expect(after.payment.lastError?.code).toBe('amount_mismatch');
    await deliver('payment_intent.succeeded', { ...intent, currency: 'hkd' });
    expect((await getOrder(order.id)).status).toBe('pending_payment');
  });

  it('records a failed payment and keeps the order payable', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const declined = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_chargeDeclined', return_url: returnUrl }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    const intent = await stripe.paymentIntents.retrieve(order.payment.paymentIntentId);
    expect((await deliver('payment_intent.payment_failed', intent)).status).toBe(200);
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'pending_payment', payment: { lastError: { code: 'card_declined' } } });
    expect((await payOrder(after)).status).toBe(200);
    expect((await getOrder(order.id)).status).toBe('paid');
  });
});

describe('refunds and cancellation', () => {
  const paidOrder = async (): Promise<Order> => {
    const order = (await place(usOrder())).body as unknown as Order;
    await payOrder(order);
    return getOrder(order.id);
  };

  it('refunds in part, never more than is left, then the rest; the order becomes refunded', async () => {
    const order = await paidOrder();
    const part = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { amount: { amount: 2259, currency: 'USD' }, reason: 'one scarf damaged' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(part).toMatchObject({ status: 201, body: { refund: { amount: { amount: 2259, currency: 'USD' }, status: 'succeeded' } } });
    const tooMuch = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { amount: { amount: 10001, currency: 'USD' }, reason: 'x' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(tooMuch).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ path: 'amount.amount' }] } });
    const wrongCurrency = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { amount: { amount: 1, currency: 'HKD' }, reason: 'x' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(wrongCurrency.status).toBe(400);
    const rest = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { reason: 'customer returned the rest' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(rest).toMatchObject({ status: 201, body: { refund: { amount: { amount: 10000 } } } });
    const after = await getOrder(order.id);
    expect(after.status).toBe('refunded');
    expect(after.payment.refunded.amount).toBe(12259);
    const more = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { reason: 'again' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(more).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    const stripeRefunds = await stripe.refunds.list({ payment_intent: order.payment.paymentIntentId });
    expect(stripeRefunds.data.reduce((sum, r) => sum + r.amount, 0)).toBe(12259);
    await runtime.settle();
    expect(orderEvents(order.id, 'OrderRefunded')).toHaveLength(2);
  });

  it('makes a refund with an Idempotency-Key exactly once, however often it is sent', async () => {
    const order = await paidOrder();
    const send = () => request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { amount: { amount: 500, currency: 'USD' }, reason: 'late' }, headers: { 'idempotency-key': 'refund-once' } });
    const [a, b] = [await send(), await send()];
    expect(a.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect((await getOrder(order.id)).payment.refunded.amount).toBe(500);
    expect((await stripe.refunds.list({ payment_intent: order.payment.paymentIntentId })).data).toHaveLength(1);
    const other = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { amount: { amount: 700, currency: 'USD' }, reason: 'late' }, headers: { 'idempotency-key': 'refund-once' } });
    expect(other).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
  });

  it('refuses to refund an unpaid order', async () => {
    const order = (await place(usOrder())).body as unknown as Order;
    const reply = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: merchant.apiKey, body: { reason: 'x' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(reply).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
  });

  it('records a refund made in the Stripe dashboard (charge.refunded) once', async () => {
    const order = await paidOrder();
    await stripe.refunds.create({ payment_intent: order.payment.paymentIntentId, amount: 1000 });
    const charge = { id: 'ch_dashboard', object: 'charge', payment_intent: order.payment.paymentIntentId, amount: 12259, amount_refunded: 1000, currency: 'usd' };
    expect((await deliver('charge.refunded', charge, 'evt_dash_1')).status).toBe(200);
    expect((await deliver('charge.refunded', charge, 'evt_dash_2')).status).toBe(200); // another delivery, nothing new
    const after = await getOrder(order.id);
    expect(after.payment.refunded.amount).toBe(1000);
    expect(after.refunds).toEqual([expect.objectContaining({ source: 'stripe', amount: { amount: 1000, currency: 'USD' } })]);
  });

  it('cancels an unpaid order (its PaymentIntent is cancelled) and refuses to cancel twice', async () => {
    const order = (await place(hkOrder())).body as unknown as Order;
    const reply = await request(runtime.url, 'POST', `/v1/orders/${order.id}/cancel`, { key: merchant.apiKey });
    expect(reply).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await stripe.paymentIntents.retrieve(order.payment.paymentIntentId)).status).toBe('canceled');
    const again = await request(runtime.url, 'POST', `/v1/orders/${order.id}/cancel`, { key: merchant.apiKey });
    expect(again).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    await runtime.settle();
    expect(orderEvents(order.id, 'OrderCancelled')).toHaveLength(1);
  });

  it('cancels a paid order by refunding it in full', async () => {
    const order = await paidOrder();
    const reply = await request(runtime.url, 'POST', `/v1/orders/${order.id}/cancel`, { key: merchant.apiKey });
    expect(reply).toMatchObject({ status: 200, body: { status: 'cancelled', payment: { refunded: { amount: 12259 } } } });
    const refunds = await stripe.refunds.list({ payment_intent: order.payment.paymentIntentId });
    expect(refunds.data.map((r) => r.amount)).toEqual([12259]);
    await runtime.settle();
    expect(orderEvents(order.id, 'OrderRefunded')).toHaveLength(1);
    await eventually(async () => (orderEvents(order.id, 'OrderCancelled').length === 1 ? true : undefined));
  });
});
