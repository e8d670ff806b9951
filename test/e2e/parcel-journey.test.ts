import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, request } from '../support/http.js';
import { assertNoPiiOrSecretsInLogs, runNpmScript, startWalkThrough, stripePay, type LocalProcess } from '../support/local-process.js';
import { buyer, catalogue, randomUscc } from '../support/merchants.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// A parcel's life as the README and docs/logistics-partners.md tell it: a paid order,
// a booked shipment, a partner's signed batch (out of order, with a duplicate and an
// unknown number) sent with `npm run partner:send`, public tracking, order delivered.

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let local: LocalProcess;
const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3600_000).toISOString();

beforeAll(async () => {
  walk = await startWalkThrough('parcel', dynamoEndpoint(), uniqueTableName('parcel'));
  local = walk.local;
});

afterAll(async () => {
  await walk.finish();
});

describe('a parcel from Shanghai to Los Angeles', () => {
  it('is booked, tracked through a signed out-of-order batch, and delivers the order', async () => {
    const partner = await request(local.url, 'POST', '/v1/admin/logistics-partners', { key: local.adminKey, body: { code: 'SFEXPRESS', name: 'SF Express' } });
    expect(partner.status).toBe(201);
    const secret = String(partner.body.webhookSecret);

    const enrolled = await request(local.url, 'POST', '/v1/admin/merchants', {
      key: local.adminKey,
      body: { name: 'Hangzhou Tea & Silk Co.', uscc: randomUscc(), contactEmail: 'export@tea-silk.example.cn', markets: ['US'] },
    });
    const merchantKey = String(enrolled.body.apiKey);
    await request(local.url, 'PUT', '/v1/products/TEA-1', { key: merchantKey, body: catalogue['TEA-1'] });
    const placed = await request(local.url, 'POST', '/v1/orders', {
      key: merchantKey,
      headers: { 'idempotency-key': 'parcel-order-1' },
      body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 2 }] },
    });
    const orderId = String(placed.body.id);
    const pay = await stripePay(orderId, walk);
    expect(pay.code).toBe(0);
    await eventually(async () => ((await request(local.url, 'GET', `/v1/orders/${orderId}`, { key: merchantKey })).body.status === 'paid' ? true : undefined), 50);

    const booked = await request(local.url, 'POST', `/v1/orders/${orderId}/shipments`, { key: merchantKey, body: { partnerCode: 'SFEXPRESS', trackingNumber: 'SF1234567890' } });
    expect(booked.status).toBe(201);

    const flight = { number: 'CA987', origin: 'PVG', destination: 'LAX' };
    const arrived = { eventId: 'sf-4', trackingNumber: 'SF1234567890', status: 'arrived', occurredAt: at(30), flight, location: { country: 'US', city: 'Los Angeles', iata: 'LAX' } };
    const batch = {
      events: [
        { eventId: 'sf-6', trackingNumber: 'SF1234567890', status: 'delivered', occurredAt: at(2), location: { country: 'US', city: 'Los Angeles' } },
        { eventId: 'sf-1', trackingNumber: 'SF1234567890', status: 'picked_up', occurredAt: at(60), location: { country: 'CN', city: 'Hangzhou' } },
        arrived,
        { eventId: 'sf-3', trackingNumber: 'SF1234567890', status: 'departed', occurredAt: at(40), flight, location: { country: 'CN', city: 'Shanghai', iata: 'PVG' } },
        { eventId: 'sf-2', trackingNumber: 'SF1234567890', status: 'export_cleared', occurredAt: at(50) },
        arrived,
        { eventId: 'sf-5', trackingNumber: 'SF1234567890', status: 'import_cleared', occurredAt: at(20) },
        { eventId: 'xx-1', trackingNumber: 'SF0000000000', status: 'picked_up', occurredAt: at(5) },
      ],
    };
    const file = join(walk.dataDir, 'batch.json');
    writeFileSync(file, JSON.stringify(batch));
    const sent = await runNpmScript('partner:send', ['--partner', 'SFEXPRESS', '--file', file, '--url', local.url], { PARTNER_WEBHOOK_SECRET: secret });
    expect(sent.code).toBe(0);
    expect(sent.output).toContain('"accepted":6');
    expect(sent.output).toContain('"duplicates":1');
    expect(sent.output).toContain('SF0000000000');

    const tracking = await request(local.url, 'GET', '/v1/tracking/SF1234567890');
    expect(tracking.body).toMatchObject({ trackingNumber: 'SF1234567890', status: 'delivered', currentFlight: flight });
    expect((tracking.body.events as Array<{ status: string }>).map((e) => e.status)).toEqual([
      'picked_up',
      'export_cleared',
      'departed',
      'arrived',
      'import_cleared',
      'delivered',
    ]);
    expect(JSON.stringify(tracking.body)).not.toMatch(/Alex Buyer|buyer@example\.com|mer_|ord_/);

    const delivered = await eventually(async () => {
      const order = await request(local.url, 'GET', `/v1/orders/${orderId}`, { key: merchantKey });
      return order.body.status === 'delivered' ? order.body : undefined;
    }, 50);
    expect(delivered.shipments).toEqual([expect.objectContaining({ partnerCode: 'SFEXPRESS', trackingNumber: 'SF1234567890', status: 'delivered' })]);
    // What the handlers logged (at DEBUG) carries no e-mail address, key or secret.
    expect(assertNoPiiOrSecretsInLogs(local, [secret, merchantKey]).lines).toBeGreaterThan(0);
  });
});
