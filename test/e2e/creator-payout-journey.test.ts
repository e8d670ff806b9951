import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { eventually, request } from '../support/http.js';
import { assertNoPiiOrSecretsInLogs, runNpmScript, startWalkThrough, stripePay, type LocalProcess } from '../support/local-process.js';
import { buyer, randomUscc } from '../support/merchants.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// Finance's month as a new user does it: an agency and creators of all four kinds, attributed
// orders delivered through the partner webhook, one refunded in part, the month's payouts run
// with the finance CLI, and the CSV opened. Every figure checks by hand against DOMAIN.md.

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let local: LocalProcess;

beforeAll(async () => {
  walk = await startWalkThrough('payout', dynamoEndpoint(), uniqueTableName('payout'));
  local = walk.local;
});

afterAll(async () => {
  await walk.finish();
});

const admin = (method: string, path: string, body?: unknown) => request(local.url, method, path, { key: local.adminKey, ...(body === undefined ? {} : { body }) });

describe('a month of creator payouts', () => {
  it('runs from the finance CLI and reports figures that check by hand', async () => {
    const partner = await admin('POST', '/v1/admin/logistics-partners', { code: 'SFEXPRESS', name: 'SF Express' });
    const secret = String(partner.body.webhookSecret);
    const merchant = await admin('POST', '/v1/admin/merchants', { name: 'Hangzhou Tea & Silk Co.', uscc: randomUscc(), contactEmail: 'export@tea-silk.example.cn', markets: ['US'] });
    const merchantKey = String(merchant.body.apiKey);
    await request(local.url, 'PUT', '/v1/products/GIFT-SET', {
      key: merchantKey,
      body: { title: { en: 'Tea gift set' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', price: { amount: 1_000_000, currency: 'CNY' }, weightGrams: 250 },
    });
    const financeKey = String((await admin('POST', '/v1/admin/api-keys', { role: 'finance' })).body.apiKey);
    // Delivered today + 7 days' return window: payable in this Asia/Shanghai month. Contracts start on its first day.
    const period = new Date(Date.now() + 7 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 7);
    const [year = 0, month = 0] = period.split('-').map(Number);
    const afterPeriod = `${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-02T00:00:00.000Z`;
    const agency = await admin('POST', '/v1/admin/agencies', { name: '星光传媒 MCN', country: 'CN', feeBps: 2000 });
    const agencyId = String((agency.body.agency as { id: string }).id);
    const creator = async (displayName: string, taxResidency: string, contract: Record<string, unknown>) =>
      String(((await admin('POST', '/v1/admin/creators', { displayName, taxResidency, identityVerified: true, followers: 20_000, contract: { startsOn: `${period}-01`, ...contract } })).body.creator as { id: string }).id);
    const creators = {
      agencyResident: await creator('李小红', 'resident', { type: 'agency', agencyId, commissionRateBps: 3000 }),
      agencyNonResident: await creator('Mia Chen', 'non_resident', { type: 'agency', agencyId, commissionRateBps: 800 }),
      personalResident: await creator('王大明', 'resident', { type: 'personal', commissionRateBps: 600 }),
      personalNonResident: await creator('Sam Lee', 'non_resident', { type: 'personal', commissionRateBps: 2000 }),
    };

    // One order of 10 gift sets (100,000.00 CNY of merchandise) per creator, paid, shipped, delivered.
    const orders: Record<string, string> = {};
    for (const [kind, creatorId] of Object.entries(creators)) {
      const placed = await request(local.url, 'POST', '/v1/orders', {
        key: merchantKey,
        headers: { 'idempotency-key': `payout-${kind}` },
        body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'GIFT-SET', quantity: 10 }], attribution: { creatorId } },
      });
      expect(placed.status).toBe(201);
      const orderId = String(placed.body.id);
      orders[kind] = orderId;
      expect((await stripePay(orderId, walk)).code).toBe(0);
      await eventually(async () => ((await request(local.url, 'GET', `/v1/orders/${orderId}`, { key: merchantKey })).body.status === 'paid' ? true : undefined), 50);
      const trackingNumber = `SF${kind.toUpperCase()}`;
      expect((await request(local.url, 'POST', `/v1/orders/${orderId}/shipments`, { key: merchantKey, body: { partnerCode: 'SFEXPRESS', trackingNumber } })).status).toBe(201);
      const body = JSON.stringify({ events: [{ eventId: `${trackingNumber}-d`, trackingNumber, status: 'delivered', occurredAt: new Date().toISOString() }] });
      const id = `msg_${kind}`;
      const now = new Date();
      const delivered = await fetch(`${local.url}/v1/webhooks/logistics/SFEXPRESS`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, now, body) },
        body,
      });
      expect(delivered.status).toBe(202);
    }
    // Half of the personal resident's order is refunded: half its commission is reversed.
    const refunded = orders.personalResident ?? '';
    const paidTotal = Number(((await request(local.url, 'GET', `/v1/orders/${refunded}`, { key: merchantKey })).body.payment as { paid: { amount: number } }).paid.amount);
    expect((await request(local.url, 'POST', `/v1/orders/${refunded}/refunds`, { key: merchantKey, body: { amount: { amount: paidTotal / 2, currency: 'USD' }, reason: 'half the sets broken' }, headers: { 'idempotency-key': `refund-${Math.random()}` } })).status).toBe(201);

    // Wait until the bus delivered every accrual and the reversal, as a finance user would check the next day.
    await eventually(async () => {
      const seen = (await admin('GET', '/local/events')).body.data as Array<{ 'detail-type': string }>;
      const count = (type: string) => seen.filter((e) => e['detail-type'] === type).length;
      return count('CommissionAccrued') === 4 && count('CommissionReversed') === 1 ? true : undefined;
    }, 100);

    // A month later (the local clock moves; on AWS finance simply waits): the month is over and can be run.
    const early = await runNpmScript('finance', ['payout-run', '--period', period], { API_URL: local.url, FINANCE_API_KEY: financeKey });
    expect(early.code).toBe(1);
    expect(early.output).toContain('invalid_state');
    expect((await runNpmScript('local', ['clock', afterPeriod], { API_URL: local.url, ADMIN_API_KEY: local.adminKey })).code).toBe(0);
    const env = { API_URL: local.url, FINANCE_API_KEY: financeKey };
    const started = await runNpmScript('finance', ['payout-run', '--period', period], env);
    expect(started.code).toBe(0);
    const runId = String((JSON.parse(started.output.slice(started.output.indexOf('{'))) as { id: string }).id);
    const out = join(walk.dataDir, 'payouts.csv');
    expect((await runNpmScript('finance', ['payout-report', '--run', runId, '--format', 'csv', '--out', out], env)).code).toBe(0);

    const csv = readFileSync(out);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(rows[0]).toBe('creator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny');
    // Hand-checked (commission = 100,000.00 CNY x rate):
    //   agency resident 30% = 30,000; fee 20% 6,000; taxable 24,000; (24,000 - 5,000) x 3% = 570; net 23,430
    //   agency non-resident 8% = 8,000; fee 1,600; taxable 6,400; (6,400 - 5,000) x 3% = 42; net 6,358
    //   personal resident 6% = 6,000, half reversed: 3,000; taxable 3,000 - 800 = 2,200; 20% = 440; net 2,560
    //   personal non-resident 20% = 20,000; taxable 16,000; 20% - 1,410 = 1,790; net 18,210
    expect(rows.slice(1).sort()).toEqual(
      [
        `${creators.agencyResident},李小红,${agencyId},agency,resident,wages,30000.00,6000.00,24000.00,570.00,23430.00`,
        `${creators.agencyNonResident},Mia Chen,${agencyId},agency,non_resident,wages,8000.00,1600.00,6400.00,42.00,6358.00`,
        `${creators.personalResident},王大明,,personal,resident,labor_remuneration,3000.00,0.00,2200.00,440.00,2560.00`,
        `${creators.personalNonResident},Sam Lee,,personal,non_resident,labor_remuneration,20000.00,0.00,16000.00,1790.00,18210.00`,
      ].sort(),
    );
    const preview = await runNpmScript('finance', ['tax-preview'], {});
    expect(preview.code).toBe(2); // no input on stdin: a clear refusal, not a crash
    // What the handlers logged (at DEBUG) carries no e-mail address, key or secret.
    expect(assertNoPiiOrSecretsInLogs(local, [secret, merchantKey, financeKey]).lines).toBeGreaterThan(0);
  });
});
