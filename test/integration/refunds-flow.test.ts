import { QueryCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import Stripe from 'stripe';
import { dynamodb } from '../../functions/shared/clients/dynamodb.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request, type Reply } from '../support/http.js';
import { buyer, enrolMerchant, listCatalogue, type EnrolledMerchant } from '../support/merchants.js';
import { startTestRuntime, testStripeKey, testWebhookSecret } from '../support/runtime.js';
import { localClient } from '../support/tables.js';

// Refunds are retry-safe end to end, on DynamoDB Local and the Stripe stand-in through the
// real Stripe SDK: Idempotency-Key is required, a replay answers as the first request did in
// every order of retries, crashes between Stripe and the write, and Stripe's charge.refunded
// webhook (duplicated or not); each refund is its own item under the order's partition.

let runtime: Runtime;
let stop: () => Promise<void>;
let stripe: Stripe;
let merchant: EnrolledMerchant;
let tableName: string;
const returnUrl = 'https://shop.example/return';
const paidTotal = 12259;

type RefundAnswer = { refund: { id: string; amount: { amount: number }; stripeRefundId: string; createdAt: string; reason: string } };
type Order = { id: string; status: string; payment: { paymentIntentId: string; refunded: { amount: number } }; refunds: Array<{ id: string; stripeRefundId: string | null; amount: { amount: number } }> };

beforeAll(async () => {
  const started = await startTestRuntime('refunds');
  ({ runtime, stop, tableName } = started);
  stripe = new Stripe(testStripeKey, { host: started.stripe.host, port: started.stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  merchant = await enrolMerchant(runtime.url, started.adminKey, ['US']);
  await listCatalogue(runtime.url, merchant.apiKey);
});

afterAll(async () => {
  await stop();
});

const getOrder = async (id: string): Promise<Order> => {
  const reply = await request(runtime.url, 'GET', `/v1/orders/${id}`, { key: merchant.apiKey });
  expect(reply.status).toBe(200);
  return reply.body as unknown as Order;
};

const deliver = async (type: string, object: unknown, id = `evt_${Math.random().toString(36).slice(2)}`): Promise<Reply> => {
  const payload = JSON.stringify({ id, object: 'event', api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: testWebhookSecret });
  return request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: payload, headers: { 'stripe-signature': signature } });
};

const paidOrder = async (): Promise<Order> => {
  const placed = await request(runtime.url, 'POST', '/v1/orders', {
    key: merchant.apiKey,
    body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 2 }, { sku: 'SILK-1', quantity: 1 }] },
    headers: { 'idempotency-key': `order-${Math.random()}` },
  });
  const order = placed.body as unknown as Order;
  const intent = await stripe.paymentIntents.confirm(order.payment.paymentIntentId, { payment_method: 'pm_card_visa', return_url: returnUrl });
  expect((await deliver('payment_intent.succeeded', intent)).status).toBe(200);
  return getOrder(order.id);
};

const refund = (orderId: string, body: unknown, key?: string): Promise<Reply> =>
  request(runtime.url, 'POST', `/v1/orders/${orderId}/refunds`, { key: merchant.apiKey, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });

/** Stripe's charge.refunded for the order's charge, as Stripe sends it (with the charge's current refund total). */
const chargeRefunded = async (order: Order, id?: string): Promise<Reply> => {
  const intent = await stripe.paymentIntents.retrieve(order.payment.paymentIntentId);
  const charge = await stripe.charges.retrieve(String(intent.latest_charge));
  return deliver('charge.refunded', charge, id);
};

/** Runs `act` (once background consumers settled) with the next TransactWriteItems of this process preceded by `before` (or failing, when `before` is 'crash'). */
const aroundNextTransaction = async <T>(before: 'crash' | (() => Promise<unknown>), act: () => Promise<T>): Promise<T> => {
  // Background consumers (settlement, merchant webhooks) write with TransactWriteItems through
  // this process's client too: settle them first so the next transaction is the request's.
  await runtime.settle();
  const name = `around-transaction-${Math.random()}`;
  let fired = false;
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (!fired && String(context.commandName).startsWith('TransactWrite')) {
        fired = true;
        if (before === 'crash') throw Object.assign(new Error('simulated crash between Stripe and the write'), { name: 'InternalServerError' });
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    return await act();
  } finally {
    dynamodb.middlewareStack.remove(name);
  }
};

const stripeRefundsOf = async (order: Order) => (await stripe.refunds.list({ payment_intent: order.payment.paymentIntentId, limit: 100 })).data;

describe('Idempotency-Key on refunds', () => {
  it('is required: 400 idempotency_key_required, and nothing is refunded', async () => {
    const order = await paidOrder();
    expect(await refund(order.id, { reason: 'x' })).toMatchObject({ status: 400, body: { code: 'idempotency_key_required' } });
    expect(await stripeRefundsOf(order)).toHaveLength(0);
  });

  it('replays the first answer when Stripe’s webhook recorded the refund before the client’s retry', async () => {
    const order = await paidOrder();
    const body = { amount: { amount: 2259, currency: 'USD' }, reason: 'one scarf damaged' };
    const crashed = await aroundNextTransaction('crash', () => refund(order.id, body, 'after-webhook'));
    expect(crashed.status).toBe(500);
    expect((await chargeRefunded(order)).status).toBe(200); // records the refund from its Stripe metadata
    const retry = await refund(order.id, body, 'after-webhook');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ refund: { reason: 'one scarf damaged', source: 'api', amount: { amount: 2259 } } });
    expect(await refund(order.id, { ...body, reason: 'another reason' }, 'after-webhook')).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
    expect(await stripeRefundsOf(order)).toHaveLength(1);
  });

  it('answers the same when the webhook records the refund between the Stripe call and the write', async () => {
    const order = await paidOrder();
    const body = { reason: 'customer returned everything' };
    const first = await aroundNextTransaction(() => chargeRefunded(order), () => refund(order.id, body, 'webhook-in-between'));
    expect(first.status).toBe(201);
    const replay = await refund(order.id, body, 'webhook-in-between');
    expect(replay.body).toEqual(first.body);
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'refunded', payment: { refunded: { amount: paidTotal } } });
    expect(after.refunds).toHaveLength(1);
  });
});

describe('refunds stored one item each under the order partition', () => {
  it('keeps the order item free of refunds, answers them on the order, and reads the order with ONE Query', async () => {
    const order = await paidOrder();
    for (const [i, amount] of [100, 200, 300].entries()) {
      expect((await refund(order.id, { amount: { amount, currency: 'USD' }, reason: `part ${i}` }, `part-${i}`)).status).toBe(201);
    }
    const client = localClient();
    try {
      const { Items = [] } = await client.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `ORDER#${order.id}` } } }),
      );
      const orderItem = Items.find((i) => i.sk?.S === 'ORDER');
      expect(orderItem).toBeDefined();
      expect(orderItem?.refunds).toBeUndefined();
      expect(Items.filter((i) => i.sk?.S?.startsWith('REFUND#'))).toHaveLength(3);
    } finally {
      client.destroy();
    }
    await getOrder(order.id); // warms the API key cache (the authorizer's lookup is not the route's)
    // The consumers reacting to OrderRefunded (settlement, merchant webhooks, audit) share this
    // process's client: let them finish so the count below holds the GET request's calls only.
    await runtime.settle();
    const calls: string[] = [];
    const name = 'count-get-order-calls';
    dynamodb.middlewareStack.add((next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    }, { step: 'initialize', name });
    let after: Order;
    try {
      after = await getOrder(order.id);
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    expect(calls).toEqual(['Query']);
    // Three refunds within one second share Stripe's `created` second: their order among themselves is by id.
    expect(after.refunds.map((r) => r.amount.amount).sort((a, b) => a - b)).toEqual([100, 200, 300]);
    expect(after.payment.refunded.amount).toBe(600);
  });
});

type Step = 'request' | 'pair' | 'crash' | 'webhookDuringWrite' | 'webhook' | 'duplicateWebhook' | 'otherKey';

describe('every ordering of requests, retries, crashes and webhooks', () => {
  it('makes exactly one Stripe refund per key, never refunds more than was paid, and answers the same every time', async () => {
    const steps = fc.array(fc.constantFrom<Step>('request', 'pair', 'crash', 'webhookDuringWrite', 'webhook', 'duplicateWebhook', 'otherKey'), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(steps, fc.boolean(), async (plan, partial) => {
        const order = await paidOrder();
        const key = `prop-${Math.random()}`;
        const otherKey = `other-${Math.random()}`;
        const body = partial ? { amount: { amount: 4000, currency: 'USD' }, reason: 'damaged in transit' } : { reason: 'returned' };
        const otherBody = { amount: { amount: 1000, currency: 'USD' }, reason: 'goodwill' };
        const answers: unknown[] = [];
        const otherAnswers: unknown[] = [];
        let lastEventId: string | undefined;
        const take = (reply: Reply, into: unknown[], allowed: number[]) => {
          expect(allowed).toContain(reply.status);
          if (reply.status === 201) into.push(reply.body);
        };
        for (const step of plan) {
          if (step === 'request') take(await refund(order.id, body, key), answers, [201]);
          if (step === 'pair') for (const reply of await Promise.all([refund(order.id, body, key), refund(order.id, body, key)])) take(reply, answers, [201]);
          // A crash after Stripe refunded but before our write (or a replay, when it was recorded already).
          if (step === 'crash') take(await aroundNextTransaction('crash', () => refund(order.id, body, key)), answers, [201, 500]);
          if (step === 'webhookDuringWrite') take(await aroundNextTransaction(() => chargeRefunded(order), () => refund(order.id, body, key)), answers, [201]);
          if (step === 'webhook' || (step === 'duplicateWebhook' && !lastEventId)) {
            lastEventId = `evt_${Math.random().toString(36).slice(2)}`;
            expect((await chargeRefunded(order, lastEventId)).status).toBe(200);
          } else if (step === 'duplicateWebhook') expect((await chargeRefunded(order, lastEventId)).status).toBe(200);
          // Another key: 201, or 409 when the first key's refund took everything (recorded or not).
          if (step === 'otherKey') take(await refund(order.id, otherBody, otherKey), otherAnswers, [201, 409]);
        }
        take(await refund(order.id, body, key), answers, [201]); // the client's last retry always lands
        expect((await chargeRefunded(order)).status).toBe(200); // and Stripe's webhook reconciles the rest

        for (const answer of answers) expect(answer).toEqual(answers[0]);
        for (const answer of otherAnswers) expect(answer).toEqual(otherAnswers[0]);
        const atStripe = await stripeRefundsOf(order);
        const refundId = (answers[0] as RefundAnswer).refund.id;
        expect(atStripe.filter((r) => r.metadata?.refundId === refundId)).toHaveLength(1);
        expect(atStripe.length).toBeLessThanOrEqual(2);
        const after = await getOrder(order.id);
        const stripeTotal = atStripe.reduce((sum, r) => sum + r.amount, 0);
        expect(stripeTotal).toBeLessThanOrEqual(paidTotal);
        expect(after.payment.refunded.amount).toBe(stripeTotal);
        expect(after.refunds.reduce((sum, r) => sum + r.amount.amount, 0)).toBe(stripeTotal);
        expect(new Set(after.refunds.map((r) => r.stripeRefundId)).size).toBe(after.refunds.length);
        // The order shows the refund exactly as the answer did (less the answer's own orderId and status).
        const { orderId: _orderId, status: _status, ...record } = (answers[0] as { refund: Record<string, unknown> }).refund;
        expect(after.refunds.find((r) => r.id === refundId)).toEqual(record);
      }),
      { seed: 20261203, numRuns: 10 },
    );
  }, 300_000);
});
