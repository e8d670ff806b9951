import { eventually, request } from '../support/http.js';
import { assertNoPiiOrSecretsInLogs, isAlive, startWalkThrough, stripePay, type LocalProcess } from '../support/local-process.js';
import { buyer, catalogue, randomUscc } from '../support/merchants.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// What a newcomer does with the README: npm start, enrol a merchant, list a product,
// place orders to the US and Hong Kong, pay one with `npm run stripe:pay`, refund part
// of it, cancel the other.

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let local: LocalProcess;

beforeAll(async () => {
  walk = await startWalkThrough('journey', dynamoEndpoint(), uniqueTableName('journey'));
  local = walk.local;
});

afterAll(async () => {
  await walk.finish();
});

describe('a merchant’s first day, as the README tells it', () => {
  it('enrols, lists a product, sells to the US and Hong Kong, gets paid, refunds, cancels', async () => {
    expect(local.output()).toMatch(/offline Stripe stand-in at http:\/\/127\.0\.0\.1:\d+/);

    const enrolled = await request(local.url, 'POST', '/v1/admin/merchants', {
      key: local.adminKey,
      body: { name: 'Hangzhou Tea & Silk Co.', uscc: randomUscc(), contactEmail: 'export@tea-silk.example.cn', markets: ['US', 'HK'] },
    });
    expect(enrolled.status).toBe(201);
    const merchantKey = String(enrolled.body.apiKey);

    const product = await request(local.url, 'PUT', '/v1/products/TEA-1', { key: merchantKey, body: catalogue['TEA-1'] });
    expect(product.status).toBe(201);

    const us = await request(local.url, 'POST', '/v1/orders', {
      key: merchantKey,
      headers: { 'idempotency-key': 'first-us-order' },
      body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 4 }] },
    });
    expect(us.status).toBe(201);
    // 4 x 128.00 = 512.00 CNY / 7.15 = 71.608… -> 71.61; 1000 g: 60 + 30 = 90 CNY -> 12.59; duty 51.20 CNY -> 7.16
    expect(us.body.totals).toMatchObject({ merchandise: { amount: 7161 }, shipping: { amount: 1259 }, duties: { amount: 716 }, total: { amount: 9136, currency: 'USD' } });
    const hk = await request(local.url, 'POST', '/v1/orders', {
      key: merchantKey,
      headers: { 'idempotency-key': 'first-hk-order' },
      body: { currency: 'HKD', buyer: buyer('HK'), items: [{ sku: 'TEA-1', quantity: 1 }] },
    });
    expect(hk.status).toBe(201);

    const usId = String(us.body.id);
    const paid = await stripePay(usId, walk);
    expect(paid.code).toBe(0);
    const usOrder = await eventually(async () => {
      const reply = await request(local.url, 'GET', `/v1/orders/${usId}`, { key: merchantKey });
      return reply.body.status === 'paid' ? reply.body : undefined;
    }, 50);
    expect(usOrder.payment).toMatchObject({ paid: { amount: 9136, currency: 'USD' } });

    const refund = await request(local.url, 'POST', `/v1/orders/${usId}/refunds`, { key: merchantKey, body: { amount: { amount: 1136, currency: 'USD' }, reason: 'one tin dented' }, headers: { 'idempotency-key': `refund-${Math.random()}` } });
    expect(refund).toMatchObject({ status: 201, body: { refund: { amount: { amount: 1136, currency: 'USD' } } } });

    const cancelled = await request(local.url, 'POST', `/v1/orders/${String(hk.body.id)}/cancel`, { key: merchantKey });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });

    const list = await request(local.url, 'GET', '/v1/orders', { key: merchantKey });
    expect((list.body.data as Array<{ id: string; status: string }>).map((o) => [o.id, o.status])).toEqual([
      [hk.body.id, 'cancelled'],
      [usId, 'paid'],
    ]);
    const problem = await request(local.url, 'POST', `/v1/orders/${String(hk.body.id)}/cancel`, { key: merchantKey, headers: { 'accept-language': 'zh-CN' } });
    expect(problem).toMatchObject({ status: 409, body: { code: 'invalid_state', title: '状态不允许' } });
    expect(isAlive(local.child.pid ?? 0)).toBe(true);
    // What the handlers logged (at DEBUG) carries no e-mail address, key or secret.
    expect(assertNoPiiOrSecretsInLogs(local, [merchantKey, 'export@tea-silk.example.cn', 'buyer@example.com']).lines).toBeGreaterThan(0);
  });
});
