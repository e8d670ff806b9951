import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { eventually, request } from '../support/http.js';
import { startLocal, type LocalProcess } from '../support/local-process.js';
import { buyer, randomUscc } from '../support/merchants.js';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { dynamoEndpoint, localClient, uniqueTableName } from '../support/tables.js';
import { runningRuntimes } from '../../lib/local/discovery.js';

// `npm start` killed with SIGKILL (its whole process group) in the middle of a burst of
// payments and partner batches, then started again on the same DATA_DIR: the senders retry as
// real ones do (the partner resends its batches with the same webhook-id; Stripe's stand-in
// redelivers the same event from its persisted state), and every order ends delivered with
// exactly one delivered scan on its timeline and exactly one commission: nothing the bus
// accepted before the crash was lost, and nothing was applied twice.

const ORDERS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'xborder-crash-'));
const tableName = uniqueTableName('crash');
const env = { DATA_DIR: dataDir, DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: tableName, ADMIN_API_KEY: '', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' };
let local: LocalProcess | undefined;

afterAll(async () => {
  await local?.stop('SIGTERM', 'group');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The Stripe SDK against the running runtime's stand-in, as `npm run stripe:pay` finds it. */
const stripeOf = (runtime: LocalProcess): Stripe => {
  const found = runningRuntimes().find((r) => r.apiUrl === runtime.url)?.stripe;
  if (!found) throw new Error('the runtime did not announce its stand-in');
  const url = new URL(found.url);
  return new Stripe(found.secretKey, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0 });
};

/** Pays like a buyer whose browser retries: confirms unless the intent already succeeded. */
const pay = async (stripe: Stripe, orderId: string): Promise<void> => {
  const [intent] = (await stripe.paymentIntents.search({ query: `metadata['orderId']:'${orderId}'` })).data;
  if (!intent || intent.status === 'succeeded') return;
  await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa', return_url: 'https://example.com/return' });
};

/** One partner batch (delivered scan) as a partner sends it; the same webhook-id on every retry. */
const sendDelivered = async (url: string, secret: string, trackingNumber: string, occurredAt: string): Promise<number> => {
  const id = `msg_${trackingNumber}`;
  const body = JSON.stringify({ events: [{ eventId: `${trackingNumber}-d`, trackingNumber, status: 'delivered', occurredAt }] });
  const now = new Date();
  const reply = await fetch(`${url}/v1/webhooks/logistics/SFEXPRESS`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body) },
    body,
  });
  return reply.status;
};

/** Retries until a 2xx, as a sender does (connection refused while the runtime is down counts as a failure). */
const untilAccepted = async (send: () => Promise<number | void>): Promise<void> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      const status = await send();
      if (status === undefined || (status >= 200 && status < 300)) return;
    } catch {
      // down or killed mid-request: retry
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('never accepted');
};

describe('local runtime: crash mid-burst (SIGKILL to the process group) and restart on the same DATA_DIR', () => {
  it('ends with every order delivered, one delivered scan per timeline and one commission entry per order', async () => {
    local = await startLocal(env);
    const first = local;
    const admin = (runtime: LocalProcess, method: string, path: string, body?: unknown) =>
      request(runtime.url, method, path, { key: runtime.adminKey, ...(body === undefined ? {} : { body }) });
    const secret = String((await admin(first, 'POST', '/v1/admin/logistics-partners', { code: 'SFEXPRESS', name: 'SF Express' })).body.webhookSecret);
    const merchant = await admin(first, 'POST', '/v1/admin/merchants', { name: 'Crash Tea Co.', uscc: randomUscc(), contactEmail: 'crash@tea.example.cn', markets: ['US'] });
    const merchantKey = String(merchant.body.apiKey);
    await request(first.url, 'PUT', '/v1/products/TEA', {
      key: merchantKey,
      body: { title: { en: 'Tea' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', price: { amount: 20_000, currency: 'CNY' }, weightGrams: 250 },
    });
    const creatorId = String(
      ((await admin(first, 'POST', '/v1/admin/creators', { displayName: 'Crash Creator', taxResidency: 'resident', identityVerified: true, followers: 20_000, contract: { startsOn: '2026-01-01', type: 'personal', commissionRateBps: 1000 } })).body.creator as { id: string }).id,
    );
    const orders: string[] = [];
    for (let i = 0; i < ORDERS; i += 1) {
      const placed = await request(first.url, 'POST', '/v1/orders', {
        key: merchantKey,
        headers: { 'idempotency-key': `crash-${i}` },
        body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA', quantity: 1 }], attribution: { creatorId } },
      });
      expect(placed.status).toBe(201);
      orders.push(String(placed.body.id));
    }
    const tracking = (i: number) => `SFCRASH${String(i).padStart(4, '0')}`;
    const order = (runtime: LocalProcess, id: string) => request(runtime.url, 'GET', `/v1/orders/${id}`, { key: merchantKey });
    const half = ORDERS / 2;
    // Before the burst: the first half paid and booked.
    const stripe1 = stripeOf(first);
    for (const id of orders.slice(0, half)) await pay(stripe1, id);
    for (const [i, id] of orders.slice(0, half).entries()) {
      await eventually(async () => ((await order(first, id)).body.status === 'paid' ? true : undefined), 100);
      expect((await request(first.url, 'POST', `/v1/orders/${id}/shipments`, { key: merchantKey, body: { partnerCode: 'SFEXPRESS', trackingNumber: tracking(i) } })).status).toBe(201);
    }

    // The burst: delivered scans for the first half and payments for the second, all at once;
    // the process group is killed once a few answers came back (consumers still running).
    const deliveredAt = new Date(Date.now() - 60_000).toISOString();
    let answered = 0;
    const burst = [
      ...orders.slice(0, half).map((_, i) => sendDelivered(first.url, secret, tracking(i), deliveredAt).then(() => (answered += 1))),
      ...orders.slice(half).map((id) => pay(stripe1, id).then(() => (answered += 1))),
    ].map((p) => p.catch(() => undefined));
    await eventually(async () => (answered >= 4 ? true : undefined), 200, 10);
    await first.stop('SIGKILL', 'group');
    await Promise.all(burst);

    // Restart on the same DATA_DIR; the senders retry everything they are not sure of.
    local = await startLocal(env);
    const second = local;
    const stripe2 = stripeOf(second);
    for (const [i] of orders.slice(0, half).entries()) await untilAccepted(() => sendDelivered(second.url, secret, tracking(i), deliveredAt));
    for (const id of orders.slice(half)) await untilAccepted(() => pay(stripe2, id));
    for (const [j, id] of orders.slice(half).entries()) {
      const i = half + j;
      await eventually(async () => ((await order(second, id)).body.status === 'paid' ? true : undefined), 150);
      expect((await request(second.url, 'POST', `/v1/orders/${id}/shipments`, { key: merchantKey, body: { partnerCode: 'SFEXPRESS', trackingNumber: tracking(i) } })).status).toBe(201);
      await untilAccepted(() => sendDelivered(second.url, secret, tracking(i), deliveredAt));
    }

    // Every order delivered, one delivered scan per timeline, one commission per order.
    for (const id of orders) {
      await eventually(async () => ((await order(second, id)).body.status === 'delivered' ? true : undefined), 150).catch(async (error: unknown) => {
        throw new Error(`order ${id} not delivered: ${JSON.stringify((await order(second, id)).body)}\n${JSON.stringify((await admin(second, 'GET', '/local/dead-letters')).body).slice(0, 2000)}\n${second.output().slice(-3000)}`, { cause: error });
      });
    }
    for (let i = 0; i < ORDERS; i += 1) {
      const events = (await request(second.url, 'GET', `/v1/tracking/${tracking(i)}`)).body.events as Array<{ status: string }>;
      expect(events.filter((e) => e.status === 'delivered')).toHaveLength(1);
    }
    // The commission entries of each order. Since the payout-run rewrite an entry lives under
    // PAYABLE#<period>#<bucket> on the base table and is found by order through gsi1
    // (gsi1pk COMMISSION#<orderId>, gsi1sk ENTRY#<entryId>): a Query on that index (a GSI
    // read is eventually consistent, hence `eventually` below).
    const dynamodb = localClient();
    const entriesOf = async (orderId: string): Promise<string[]> => {
      const { Items = [] } = await dynamodb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :entry)',
          ExpressionAttributeValues: { ':pk': { S: `COMMISSION#${orderId}` }, ':entry': { S: 'ENTRY#' } },
        }),
      );
      return Items.map((item) => item.gsi1sk?.S ?? '');
    };
    try {
      for (const id of orders) {
        const entries = await eventually(async () => {
          const found = await entriesOf(id);
          return found.length > 0 ? found : undefined;
        }, 150);
        expect(entries).toHaveLength(1);
      }
    } finally {
      dynamodb.destroy();
    }
    expect((await admin(second, 'GET', '/local/dead-letters')).body.data).toEqual([]);
  }, 240_000);
});
