import { readFileSync } from 'node:fs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { nextPeriod, periodEnd, periodOf } from '../../functions/payouts/periods.js';
import { settleMerchants } from '../../functions/payouts/settlement-run.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request } from '../support/http.js';
import { answerViolations, type OpenApi } from '../support/openapi-validate.js';
import type { catalogue} from '../support/merchants.js';
import { buyer, listCatalogue, randomUscc } from '../support/merchants.js';
import { startTestRuntime, testStripeKey, testWebhookSecret } from '../support/runtime.js';

// Merchant settlement through the local runtime over HTTP, on DynamoDB Local: three merchants
// (one enrolled with a custom take rate, one whose rate an operator changes between orders)
// sell in USD, HKD and MOP with an attributed creator; real Stripe payments (stand-in), real
// signed partner deliveries, a partial refund before and one after settlement, a cancellation,
// two payout runs. Statements, balances, finance reports and the ledger are checked against
// figures computed here by hand from DOMAIN.md "Merchant settlement".

let runtime: Runtime;
let adminKey: string;
let financeKey: string;
let tableName: string;
let stop: () => Promise<void>;
let stripe: Stripe;
let partner: { code: string; secret: string };
let creatorId: string;

/** Moves the business clock (functions/shared/clock.ts) the handlers run on. */
const setClock = (iso: string) => {
  process.env.CLOCK_OFFSET_MS = String(Date.parse(iso) - Date.now());
};
/** round_half_up(a x b / c) for non-negative integers (DOMAIN.md rounding). */
const halfUp = (a: number, b: number, c: number) => Math.floor((2 * a * b + c) / (2 * c));
let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`.toUpperCase();

type Merchant = { id: string; key: string };
type Order = { id: string; totals: { total: { amount: number } }; settlement: { merchandise: { amount: number } } };
const enrol = async (name: string, market: 'US' | 'HK' | 'MO', takeRateBps?: number): Promise<Merchant> => {
  const reply = await request(runtime.url, 'POST', '/v1/admin/merchants', {
    key: adminKey,
    body: { name, uscc: randomUscc(), contactEmail: 'finance@merchant.example.cn', markets: [market], ...(takeRateBps === undefined ? {} : { takeRateBps }) },
  });
  expect(reply.status).toBe(201);
  const merchant = { id: String((reply.body.merchant as { id: string }).id), key: String(reply.body.apiKey) };
  await listCatalogue(runtime.url, merchant.key);
  return merchant;
};

const currencyOf = { US: 'USD', HK: 'HKD', MO: 'MOP' } as const;
const place = async (m: Merchant, market: 'US' | 'HK' | 'MO', items: Array<{ sku: keyof typeof catalogue; quantity: number }>, attributed: boolean): Promise<Order> => {
  const reply = await request(runtime.url, 'POST', '/v1/orders', {
    key: m.key,
    headers: { 'idempotency-key': unique('k') },
    body: { currency: currencyOf[market], buyer: buyer(market), items, ...(attributed ? { attribution: { creatorId } } : {}) },
  });
  expect(reply.status).toBe(201);
  return reply.body as unknown as Order;
};

const pay = async (order: Order) => {
  const intent = await stripe.paymentIntents.confirm(String((order as unknown as { payment: { paymentIntentId: string } }).payment.paymentIntentId), { payment_method: 'pm_card_visa', return_url: 'https://shop.example/return' });
  const payload = JSON.stringify({ id: `evt_${unique('')}`, object: 'event', type: 'payment_intent.succeeded', data: { object: intent } });
  const reply = await request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: payload, headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: testWebhookSecret }) } });
  expect(reply.status).toBe(200);
};

/** Books a parcel and has the partner report it delivered at `at` (a signed webhook). */
const deliver = async (m: Merchant, order: Order, at: string) => {
  const trackingNumber = unique('TN');
  expect((await request(runtime.url, 'POST', `/v1/orders/${order.id}/shipments`, { key: m.key, body: { partnerCode: partner.code, trackingNumber } })).status).toBe(201);
  const body = JSON.stringify({ events: [{ eventId: `${trackingNumber}-1`, trackingNumber, status: 'delivered', occurredAt: at }] });
  const id = `msg_${unique('')}`;
  const now = new Date();
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(partner.secret).sign(id, now, body) };
  const reply = await request(runtime.url, 'POST', `/v1/webhooks/logistics/${partner.code}`, { body, headers });
  expect(reply).toMatchObject({ status: 202, body: { accepted: 1, unknownTrackingNumbers: [] } });
};

const refund = async (m: Merchant, order: Order, amount: number, currency: string) => {
  const reply = await request(runtime.url, 'POST', `/v1/orders/${order.id}/refunds`, { key: m.key, headers: { 'idempotency-key': unique('r') }, body: { amount: { amount, currency }, reason: 'damaged' } });
  expect(reply.status).toBe(201);
};

const runPeriod = async (period: string) => {
  const started = await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period } });
  expect(started.status).toBe(201);
  await runtime.settle();
  expect((await request(runtime.url, 'GET', `/v1/payout-runs/run_${period}`, { key: financeKey })).body.status).toBe('completed');
};

/** A CSV download: the raw text (the JSON helper would parse it). */
const download = async (path: string, key: string) => {
  const response = await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
};
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const statement = async (m: Merchant, period: string) => (await request(runtime.url, 'GET', `/v1/settlements/${period}/statement`, { key: m.key })).body;
const balance = async (m: Merchant) => (await request(runtime.url, 'GET', '/v1/balance', { key: m.key })).body;
const openApi = JSON.parse(readFileSync('functions/platform/generated/openapi.json', 'utf8')) as OpenApi;
/** A GET whose answer must be what the OpenAPI document describes (signed amounts included). */
const documented = async (template: string, path: string, key: string): Promise<void> => {
  const r = await request(runtime.url, 'GET', path, { key });
  expect({ path, status: r.status, violations: answerViolations(openApi, 'GET', template, r.status, 'application/json', r.body) }).toEqual({ path, status: 200, violations: [] });
};

beforeAll(async () => {
  let standIn;
  ({ runtime, adminKey, tableName, stop, stripe: standIn } = await startTestRuntime('settlement'));
  stripe = new Stripe(testStripeKey, { host: standIn.host, port: standIn.port, protocol: 'http', maxNetworkRetries: 0 });
  financeKey = String((await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } })).body.apiKey);
  const code = unique('P').slice(0, 16);
  const registered = await request(runtime.url, 'POST', '/v1/admin/logistics-partners', { key: adminKey, body: { code, name: 'SF Express' } });
  partner = { code, secret: String(registered.body.webhookSecret) };
  const creator = await request(runtime.url, 'POST', '/v1/admin/creators', {
    key: adminKey,
    body: { displayName: '李小红', taxResidency: 'resident', identityVerified: true, followers: 20_000, contract: { type: 'personal', commissionRateBps: 1_000, startsOn: '2026-01-01' } },
  });
  creatorId = String((creator.body.creator as { id: string }).id);
});

afterAll(async () => {
  delete process.env.CLOCK_OFFSET_MS;
  await stop();
});

describe('take rates', () => {
  it('enrolment defaults to 500 bps; PATCH changes it within 0..10000 and 404s an unknown merchant', async () => {
    const plain = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { name: 'X', uscc: randomUscc(), contactEmail: 'x@x.example', markets: ['US'] } });
    expect(plain.body.merchant).toMatchObject({ takeRateBps: 500 });
    const id = String((plain.body.merchant as { id: string }).id);
    expect((await request(runtime.url, 'PATCH', `/v1/admin/merchants/${id}`, { key: adminKey, body: { takeRateBps: 10_001 } })).status).toBe(400);
    expect((await request(runtime.url, 'PATCH', `/v1/admin/merchants/${id}`, { key: adminKey, body: { takeRateBps: 'x' } })).status).toBe(400);
    expect((await request(runtime.url, 'PATCH', '/v1/admin/merchants/mer_NOPE', { key: adminKey, body: { takeRateBps: 1 } })).status).toBe(404);
    const patched = await request(runtime.url, 'PATCH', `/v1/admin/merchants/${id}`, { key: adminKey, body: { takeRateBps: 0 } });
    expect(patched).toMatchObject({ status: 200, body: { merchant: { id, takeRateBps: 0 } } });
    expect((await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { name: 'Y', uscc: randomUscc(), contactEmail: 'y@y.example', markets: ['US'], takeRateBps: -1 } })).status).toBe(400);
  });
});

describe('a settlement journey', () => {
  it('settles three merchants in CNY across two runs, with refunds before and after settlement, a cancellation and a carry-forward', async () => {
    const a = await enrol('杭州茶丝有限公司', 'US'); // default 500
    const b = await enrol('Suzhou Silk Works', 'HK', 800); // custom rate at enrolment
    const c = await enrol('Macau Trade Co', 'MO');
    expect((await request(runtime.url, 'PATCH', `/v1/admin/merchants/${c.id}`, { key: adminKey, body: { takeRateBps: 300 } })).status).toBe(200);

    const a1 = await place(a, 'US', [{ sku: 'TEA-1', quantity: 2 }], true); // gross 256.00
    const a2 = await place(a, 'US', [{ sku: 'SILK-1', quantity: 1 }], false); // cancelled after payment
    const b1 = await place(b, 'HK', [{ sku: 'SILK-1', quantity: 1 }], true); // gross 459.00
    const c1 = await place(c, 'MO', [{ sku: 'TEA-1', quantity: 1 }], false); // gross 128.00 at 300 bps
    expect((await request(runtime.url, 'PATCH', `/v1/admin/merchants/${c.id}`, { key: adminKey, body: { takeRateBps: 900 } })).status).toBe(200);
    const c2 = await place(c, 'MO', [{ sku: 'TEA-1', quantity: 3 }], true); // gross 384.00, placed at 900 bps
    for (const o of [a1, a2, b1, c1, c2]) await pay(o);
    await runtime.settle();
    expect((await request(runtime.url, 'POST', `/v1/orders/${a2.id}/cancel`, { key: a.key })).status).toBe(200);
    // Partners report deliveries as they happen (an event long before the booking would be a recycled number's).
    const deliveredAt = new Date(Date.now() - 60_000).toISOString();
    for (const [m, o] of [[a, a1], [b, b1], [c, c1], [c, c2]] as const) await deliver(m, o, deliveredAt);
    // Payable a return window later, in that Asia/Shanghai month; refunds after its run net into the next.
    const first = periodOf(new Date(Date.parse(deliveredAt) + 7 * 86_400_000));
    const second = nextPeriod(first);
    await runtime.settle();
    // B1: a quarter back before settlement (delivered, not yet run).
    const b1Paid = b1.totals.total.amount;
    const b1Refund = Math.floor(b1Paid / 4);
    await refund(b, b1, b1Refund, 'HKD');
    await runtime.settle();

    // By hand (DOMAIN.md): fee = gross x rate, commission = gross x 10%, refunds proportional.
    const grossA1 = 25_600;
    const feeA1 = halfUp(grossA1, 500, 10_000);
    const comA1 = halfUp(grossA1, 1_000, 10_000);
    const netA1 = grossA1 - feeA1 - comA1;
    const grossB1 = 45_900;
    const feeB1 = halfUp(grossB1, 800, 10_000);
    const comB1 = halfUp(grossB1, 1_000, 10_000);
    const refundB1 = -(halfUp(grossB1, b1Refund, b1Paid) - halfUp(feeB1, b1Refund, b1Paid) - halfUp(comB1, b1Refund, b1Paid));
    const grossC1 = 12_800;
    const feeC1 = halfUp(grossC1, 300, 10_000);
    const grossC2 = 38_400;
    const feeC2 = halfUp(grossC2, 900, 10_000);
    const comC2 = halfUp(grossC2, 1_000, 10_000);

    const openB = await statement(b, first);
    expect(openB).toMatchObject({ status: 'open', lines: [{ orderId: b1.id, gross: cny(grossB1), platformFee: cny(feeB1), creatorCommission: cny(comB1), refunds: cny(refundB1) }] });
    expect(await balance(b)).toEqual({ pending: cny(grossB1 - feeB1 - comB1 + refundB1), available: cny(0), paid: cny(0) });

    // Finance previews October: exactly what the run then pays.
    setClock(new Date(Date.parse(periodEnd(first)) - 3_600_000).toISOString()); // the period's last hour: not over yet
    expect((await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: first } })).status).toBe(409);
    setClock(new Date(Date.parse(periodEnd(first)) + 86_400_000).toISOString());
    expect(await balance(b)).toMatchObject({ pending: cny(0) });
    const preview = await request(runtime.url, 'GET', `/v1/payout-periods/${first}/preview`, { key: financeKey });
    expect(preview.status).toBe(200);
    const previewNet = new Map((preview.body.merchants as { lines: Array<{ merchantId: string; net: { amount: number } }> }).lines.map((l) => [l.merchantId, l.net.amount]));
    expect(previewNet.get(a.id)).toBe(netA1);
    expect((preview.body.merchants as { lines: Array<{ name: string }> }).lines.map((l) => l.name).sort()).toEqual(['Macau Trade Co', 'Suzhou Silk Works', '杭州茶丝有限公司']);
    expect(preview.body.run).toBeNull();

    // Paged (0053): one line a page, creators first, then merchants; the whole period's totals on
    // every page; a preview cursor is the preview's own.
    expect(preview.body.nextCursor).toBeNull();
    const previewPath = `/v1/payout-periods/${first}/preview`;
    const creatorPages: unknown[] = [];
    const merchantPages: unknown[] = [];
    let previewCursor: string | null = null;
    let previewPages = 0;
    do {
      const page = await request(runtime.url, 'GET', `${previewPath}?limit=1${previewCursor ? `&cursor=${encodeURIComponent(previewCursor)}` : ''}`, { key: financeKey });
      const body = page.body as { creators: { lines: unknown[]; totals: unknown }; merchants: { lines: unknown[]; totals: unknown }; nextCursor: string | null };
      expect(body.creators.lines.length + body.merchants.lines.length).toBe(1);
      expect([body.creators.totals, body.merchants.totals]).toEqual([(preview.body.creators as { totals: unknown }).totals, (preview.body.merchants as { totals: unknown }).totals]);
      if (previewPages === 0 && body.nextCursor) {
        expect((await request(runtime.url, 'GET', `/v1/payout-periods/${second}/preview?cursor=${encodeURIComponent(body.nextCursor)}`, { key: financeKey })).status).toBe(400);
        expect((await request(runtime.url, 'GET', `/v1/payout-runs?cursor=${encodeURIComponent(body.nextCursor)}`, { key: financeKey })).status).toBe(400);
      }
      creatorPages.push(...body.creators.lines);
      merchantPages.push(...body.merchants.lines);
      previewCursor = body.nextCursor;
      previewPages += 1;
    } while (previewCursor && previewPages < 20);
    expect(previewPages).toBe(4);
    expect(creatorPages).toEqual((preview.body.creators as { lines: unknown[] }).lines);
    expect(merchantPages).toEqual((preview.body.merchants as { lines: unknown[] }).lines);

    const creatorsBefore = preview.body.creators as { lines: Array<{ creatorId: string }>; totals: Record<string, unknown> };
    expect(creatorsBefore.lines.map((l) => l.creatorId)).toEqual([creatorId]);
    // A page of C's statement while it is open: its cursor is refused once the run settles it.
    const openStatementPage = (await request(runtime.url, 'GET', `/v1/settlements/${first}/statement?limit=1`, { key: c.key })).body;
    expect(openStatementPage).toMatchObject({ status: 'open', nextCursor: expect.any(String) });
    await runPeriod(first);
    expect((await request(runtime.url, 'GET', `/v1/settlements/${first}/statement?limit=1&cursor=${encodeURIComponent(String(openStatementPage.nextCursor))}`, { key: c.key })).status).toBe(400);
    // The preview's creator half is what the run then paid: same lines, same totals.
    const report = await request(runtime.url, 'GET', `/v1/payout-runs/run_${first}/report?format=json`, { key: financeKey });
    expect(creatorsBefore.lines).toEqual(report.body.lines);
    expect(creatorsBefore.totals).toEqual((report.body.run as { totals: unknown }).totals);
    expect((creatorsBefore.totals.gross as { amount: number }).amount).toBe(comA1 + comB1 - halfUp(comB1, b1Refund, b1Paid) + comC2);
    // After the run nothing is left to preview for the period.
    expect((await request(runtime.url, 'GET', `/v1/payout-periods/${first}/preview`, { key: financeKey })).body.creators).toEqual({ lines: [], totals: expect.any(Object) });
    // A redelivered OrderDelivered after the run changes nothing.
    const deliveredEvent = runtime.bus.recent().find((e) => e['detail-type'] === 'OrderDelivered' && JSON.stringify(e.detail).includes(a1.id));
    expect(deliveredEvent).toBeDefined();
    if (deliveredEvent) await runtime.invoke('settleMerchantOrders', deliveredEvent);

    const octoberJson = await request(runtime.url, 'GET', `/v1/payout-runs/run_${first}/merchant-statements?format=json`, { key: financeKey });
    const october = new Map((octoberJson.body.lines as Array<{ merchantId: string }>).map((l) => [l.merchantId, l]));
    expect(october.get(a.id)).toMatchObject({ name: '杭州茶丝有限公司', gross: cny(grossA1), platformFee: cny(feeA1), creatorCommissions: cny(comA1), refunds: cny(0), carriedForward: cny(0), net: cny(netA1) });
    expect(october.get(b.id)).toMatchObject({ gross: cny(grossB1), platformFee: cny(feeB1), refunds: cny(refundB1), net: cny(grossB1 - feeB1 - comB1 + refundB1) });
    const netC = grossC1 - feeC1 + (grossC2 - feeC2 - comC2);
    expect(october.get(c.id)).toMatchObject({ platformFee: cny(feeC1 + feeC2), creatorCommissions: cny(comC2), net: cny(netC) });
    expect(previewNet.get(c.id)).toBe(netC);
    const csv = await download(`/v1/payout-runs/run_${first}/merchant-statements?format=csv`, financeKey);
    expect(csv.startsWith('\uFEFFmerchant_id,name,gross_cny,')).toBe(true);
    expect(csv).toContain(`${a.id},杭州茶丝有限公司,256.00,12.80,25.60,0.00,0.00,0.00,217.60\r\n`);
    // Paged (0053): two merchants a page, the whole run's totals on every page, the pages adding
    // up to the whole report; the CSV pages concatenate into the whole file.
    type Line = { merchantId: string; net: { amount: number } };
    const octoberLines = octoberJson.body.lines as Line[];
    expect(octoberLines).toHaveLength(3);
    expect(octoberJson.body.nextCursor).toBeNull();
    // The totals come from the run's totals item, written in each merchant's settling transaction:
    // they are the sums of the lines, field by field.
    const sumsOf = (lines: ReadonlyArray<Record<string, unknown>>) =>
      Object.fromEntries(['gross', 'platformFee', 'creatorCommissions', 'refunds', 'carriedForward', 'net'].map((f) => [f, cny(lines.reduce((t, l) => t + (l[f] as { amount: number }).amount, 0))]));
    expect(octoberJson.body.totals).toEqual(sumsOf(octoberLines));
    const statementsPath = `/v1/payout-runs/run_${first}/merchant-statements`;
    const firstPage = await request(runtime.url, 'GET', `${statementsPath}?limit=2`, { key: financeKey });
    expect(firstPage.body).toMatchObject({ runId: `run_${first}`, period: first, totals: octoberJson.body.totals, nextCursor: expect.any(String) });
    const lastPage = await request(runtime.url, 'GET', `${statementsPath}?limit=2&cursor=${encodeURIComponent(String(firstPage.body.nextCursor))}`, { key: financeKey });
    expect(lastPage.body).toMatchObject({ totals: octoberJson.body.totals, nextCursor: null });
    expect([...(firstPage.body.lines as Line[]), ...(lastPage.body.lines as Line[])]).toEqual(octoberLines);
    const csvFirst = await fetch(`${runtime.url}${statementsPath}?format=csv&limit=2`, { headers: { authorization: `Bearer ${financeKey}` } });
    const csvNext = csvFirst.headers.get('x-next-cursor');
    expect(csvFirst.headers.get('link')).toBe(`<${statementsPath}?format=csv&limit=2&cursor=${encodeURIComponent(String(csvNext))}>; rel="next"`);
    const csvRest = await download(`${statementsPath}?format=csv&limit=2&cursor=${encodeURIComponent(String(csvNext))}`, financeKey);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csvFirst.arrayBuffer()) + csvRest).toBe(csv);
    // A cursor is the report's own: the creator report, or another list, refuses it.
    expect((await request(runtime.url, 'GET', `/v1/payout-runs/run_${first}/report?cursor=${encodeURIComponent(String(firstPage.body.nextCursor))}`, { key: financeKey })).status).toBe(400);

    // A's statement: one line per order, the cancelled order absent.
    const stA = await statement(a, first);
    expect(stA).toMatchObject({ status: 'settled', lines: [{ orderId: a1.id, deliveredAt, net: cny(netA1) }], totals: { paid: cny(netA1) } });
    expect(await download(`/v1/settlements/${first}/statement?format=csv`, a.key)).toBe(`\uFEFForder_id,delivered_at,gross_cny,platform_fee_cny,creator_commission_cny,refunds_cny,net_cny\r\n${a1.id},${deliveredAt},256.00,12.80,25.60,0.00,217.60\r\n`);
    expect(await balance(a)).toEqual({ pending: cny(0), available: cny(0), paid: cny(netA1) });
    // C's statement (two orders) a line a page (0053): the whole statement's totals on every page,
    // the pages' lines and CSV adding up to the whole; the cursor is C's and this period's.
    const stC = await statement(c, first);
    expect(stC.lines as unknown[]).toHaveLength(2);
    expect(stC.nextCursor).toBeNull();
    const statementPath = `/v1/settlements/${first}/statement`;
    const stC1 = (await request(runtime.url, 'GET', `${statementPath}?limit=1`, { key: c.key })).body;
    expect(stC1).toMatchObject({ status: 'settled', totals: stC.totals, nextCursor: expect.any(String) });
    const stCursor = encodeURIComponent(String(stC1.nextCursor));
    const stC2 = (await request(runtime.url, 'GET', `${statementPath}?limit=1&cursor=${stCursor}`, { key: c.key })).body;
    expect(stC2).toMatchObject({ totals: stC.totals, nextCursor: null });
    expect([...(stC1.lines as unknown[]), ...(stC2.lines as unknown[])]).toEqual(stC.lines);
    const stCsvFirst = await fetch(`${runtime.url}${statementPath}?format=csv&limit=1`, { headers: { authorization: `Bearer ${c.key}` } });
    const stCsvRest = await download(`${statementPath}?format=csv&limit=1&cursor=${encodeURIComponent(String(stCsvFirst.headers.get('x-next-cursor')))}`, c.key);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await stCsvFirst.arrayBuffer()) + stCsvRest).toBe(await download(`${statementPath}?format=csv`, c.key));
    expect((await request(runtime.url, 'GET', `${statementPath}?cursor=${stCursor}`, { key: b.key })).status).toBe(400);
    expect((await request(runtime.url, 'GET', `/v1/settlements/${second}/statement?cursor=${stCursor}`, { key: c.key })).status).toBe(400);

    // After settlement: C refunds most of C2; the reversal nets into November and, larger than
    // November's proceeds, carries forward.
    const c2Paid = c2.totals.total.amount;
    const c2Refund = Math.floor((c2Paid * 9) / 10);
    await refund(c, c2, c2Refund, 'MOP');
    await runtime.settle();
    const refundC2 = -(halfUp(grossC2, c2Refund, c2Paid) - halfUp(feeC2, c2Refund, c2Paid) - halfUp(comC2, c2Refund, c2Paid));
    expect(await statement(c, second)).toMatchObject({ status: 'open', lines: [{ orderId: c2.id, gross: cny(0), refunds: cny(refundC2), net: cny(refundC2) }] });
    await documented('/v1/settlements/{period}/statement', `/v1/settlements/${second}/statement`, c.key);
    await documented('/v1/payout-periods/{period}/preview', `/v1/payout-periods/${second}/preview`, financeKey);
    setClock(new Date(Date.parse(periodEnd(second)) + 86_400_000).toISOString());
    await runPeriod(second);
    const novemberJson = (await request(runtime.url, 'GET', `/v1/payout-runs/run_${second}/merchant-statements`, { key: financeKey })).body;
    expect(novemberJson.totals).toEqual(sumsOf(novemberJson.lines as Array<Record<string, unknown>>));
    const november = new Map((novemberJson.lines as Array<{ merchantId: string }>).map((l) => [l.merchantId, l]));
    expect(november.get(c.id)).toMatchObject({ refunds: cny(refundC2), carriedForward: cny(refundC2), net: cny(0) });
    expect(november.has(a.id)).toBe(false);
    expect(await balance(c)).toEqual({ pending: cny(0), available: cny(refundC2), paid: cny(netC) });
    const settlementsC = await request(runtime.url, 'GET', '/v1/settlements?limit=1', { key: c.key });
    expect(settlementsC.body.data).toMatchObject([{ period: second, net: cny(0), carriedForward: cny(refundC2) }]);
    expect(settlementsC.body.nextCursor).toEqual(expect.any(String));
    expect((await request(runtime.url, 'GET', `/v1/settlements?cursor=${String(settlementsC.body.nextCursor)}`, { key: c.key })).body.data).toMatchObject([{ period: first, net: cny(netC) }]);
    // Negative amounts (refunds, carried forward, a balance below zero) are what the document says.
    for (const [template, path, key] of [
      ['/v1/payout-runs/{id}/merchant-statements', `/v1/payout-runs/run_${second}/merchant-statements`, financeKey],
      ['/v1/settlements/{period}/statement', `/v1/settlements/${second}/statement`, c.key],
      ['/v1/settlements', '/v1/settlements', c.key],
      ['/v1/balance', '/v1/balance', c.key],
    ] as const) await documented(template, path, key);

    // Re-running the merchant half changes nothing (the run is complete; a stale lease writes nothing).
    await settleMerchants({ period: second, token: 'stale', leaseMs: 1_000 }, 'test');
    expect((await request(runtime.url, 'GET', '/v1/settlements', { key: c.key })).body.data).toHaveLength(2);

    // The ledger: every posting balances; all accounts sum to zero; merchants' payables reconcile.
    // Postings are stamped with the business clock (one clock for everything): read every month
    // from the real one through the moved one.
    const months: string[] = [];
    for (let m = new Date().toISOString().slice(0, 7); m <= new Date(Date.now() + Number(process.env.CLOCK_OFFSET_MS)).toISOString().slice(0, 7); m = nextPeriod(m)) months.push(m);
    const postings: Array<{ kind: string; lines: Array<{ account: string; amountFen: number }> }> = [];
    for (const month of months) for (let bucket = 0; bucket < 4; bucket += 1) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documentClient.send(new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${month}#${bucket}` }, ...(start ? { ExclusiveStartKey: start } : {}) }));
        postings.push(...((page.Items ?? []) as typeof postings));
        start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
      } while (start);
    }
    const balances = new Map<string, number>();
    for (const p of postings) {
      expect(p.lines.reduce((s, l) => s + l.amountFen, 0)).toBe(0);
      for (const l of p.lines) balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
    }
    expect([...balances.values()].reduce((s, v) => s + v, 0)).toBe(0);
    expect(balances.get(`merchant_payable:${a.id}`) ?? 0).toBe(0); // A2 collected and refunded in full; A1 paid out
    expect(balances.get(`merchant_settlement:${a.id}`)).toBe(-netA1);
    expect(balances.get(`merchant_payable:${c.id}`)).toBe(-refundC2); // C owes what carried forward
    expect(balances.get('platform_revenue')).toBe(-(feeA1 + feeB1 - halfUp(feeB1, b1Refund, b1Paid) + feeC1 + feeC2 - halfUp(feeC2, c2Refund, c2Paid)));
    expect(balances.get('commission_expense') ?? 0).toBe(0); // every commission funded by its merchant
  }, 240_000); // dozens of HTTP round trips and two runs on a shared, loaded machine
});

describe('the merchant half of a run', () => {
  /** A run the test drives itself: the head and the run item as startRun writes them, no request on the bus. */
  const runWithoutWorker = async (period: string) => {
    const { db } = await import('../support/payouts-db.js');
    const { data: head } = await db().entities.payoutHead.get({}).go({ consistent: true });
    await db().entities.payoutHead.put({ lastPeriod: period, runningPeriod: period, version: (head?.version ?? 0) + 1 }).go();
    const now = new Date(Date.now() + Number(process.env.CLOCK_OFFSET_MS ?? 0)).toISOString();
    const fromPeriod = head?.lastPeriod ? nextPeriod(head.lastPeriod) : period;
    await db().entities.payoutRun.create({ period, fromPeriod, status: 'running', leaseExpiresAtMs: 0, grossFen: 0, agencyFeeFen: 0, taxWithheldFen: 0, netFen: 0, lineCount: 0, createdAt: now, updatedAt: now }).go();
  };

  it('resumes after a crash between merchants and settles each merchant exactly once, fenced by the run lease', async () => {
    const { getSettlement, onOrderDelivered } = await import('../../functions/payouts/settlement-store.js');
    const { getMerchantRun } = await import('../../functions/payouts/settlement-run.js');
    const { processRun, getRun } = await import('../../functions/payouts/payout-runs.js');
    const merchants = ['mer_CRASHA', 'mer_CRASHB', 'mer_CRASHC'];
    const deliveredAt = new Date(Date.now() + Number(process.env.CLOCK_OFFSET_MS ?? 0)).toISOString();
    for (const [i, merchantId] of merchants.entries()) {
      const data = {
        orderId: `ord_CRASH${i}`,
        merchantId,
        placedAt: deliveredAt,
        deliveredAt,
        settlementMerchandise: { amount: 10_000 * (i + 1), currency: 'CNY' as const },
        attribution: null,
        takeRateBps: 500,
      };
      await onOrderDelivered(data, { correlationId: 'crash' });
      await onOrderDelivered(data, { correlationId: 'crash' }); // a duplicate delivery accrues nothing more
    }
    // The entries landed in the first period after every run so far (catch-up keeps it open).
    const period = String((await getSettlement('ord_CRASH0')).state?.accrued?.period);
    setClock(new Date(Date.parse(periodEnd(period)) + 86_400_000).toISOString());
    await runWithoutWorker(period);
    let settled = 0;
    const leaseMs = 200;
    await expect(
      processRun(period, 'crash', {
        leaseMs,
        afterMerchant: () => {
          settled += 1;
          if (settled === 1) throw new Error('worker crashed');
        },
      }),
    ).rejects.toThrow('worker crashed');
    expect((await getMerchantRun(period))?.merchantCount).toBe(1);
    // The crashed processor's token can no longer write once another processor takes the run.
    const crashed = String((await getRun(period))?.leaseToken);
    const resumed = await processRun(period, 'crash', { leaseMs });
    expect(resumed?.status).toBe('completed');
    const done = await getMerchantRun(period);
    // 100.00, 200.00 and 300.00 gross at 5 %: nets 95.00 + 190.00 + 285.00, each merchant once.
    expect(done).toMatchObject({ merchantCount: 3, grossFen: 60_000, feeFen: 3_000, netFen: 57_000 });
    expect(done?.completedAt).toEqual(expect.any(String));
    expect(await settleMerchants({ period, token: crashed, leaseMs }, 'crash')).toMatchObject({ merchantCount: 3, netFen: 57_000 });
  });

  it('a processor that lost its lease writes no merchant statement', async () => {
    const { onOrderDelivered, getSettlement } = await import('../../functions/payouts/settlement-store.js');
    const { getMerchantRun } = await import('../../functions/payouts/settlement-run.js');
    const { getRun } = await import('../../functions/payouts/payout-runs.js');
    const { LeaseLostError } = await import('../../functions/payouts/run-lease.js');
    const deliveredAt = new Date(Date.now() + Number(process.env.CLOCK_OFFSET_MS ?? 0)).toISOString();
    await onOrderDelivered(
      { orderId: 'ord_FENCE0', merchantId: 'mer_FENCEA', placedAt: deliveredAt, deliveredAt, settlementMerchandise: { amount: 10_000, currency: 'CNY' }, attribution: null, takeRateBps: 500 },
      { correlationId: 'fence' },
    );
    const period = String((await getSettlement('ord_FENCE0')).state?.accrued?.period);
    setClock(new Date(Date.parse(periodEnd(period)) + 86_400_000).toISOString());
    await runWithoutWorker(period);
    // No processor holds the run under this token (a stale holder): nothing is written.
    await expect(settleMerchants({ period, token: 'stale-token', leaseMs: 1_000 }, 'fence')).rejects.toBeInstanceOf(LeaseLostError);
    expect((await getMerchantRun(period))?.merchantCount ?? 0).toBe(0);
    expect((await getRun(period))?.status).toBe('running');
  });
});
