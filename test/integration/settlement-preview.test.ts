import { onOrderDelivered } from '../../functions/payouts/settlement-store.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request } from '../support/http.js';
import { setClock } from '../support/payouts.js';
import { startTestRuntime } from '../support/runtime.js';

// The period preview shows what the run would pay (API.md "Merchant settlement"): the first
// run reaches back as far for merchants as for creators (one list, run-periods.ts).

let runtime: Runtime;
let financeKey: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  setClock('2029-01-05T00:00:00.000Z');
  let adminKey: string;
  ({ runtime, adminKey, stop } = await startTestRuntime('settlepreview'));
  financeKey = String((await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } })).body.apiKey);
});

afterAll(async () => {
  delete process.env.CLOCK_OFFSET_MS;
  await stop();
});

it('previews and settles, in the first run, a merchant entry payable 18 months before the period', async () => {
  const deliveredAt = '2027-06-01T00:00:00.000Z'; // payable 2027-06-08: period 2027-06, 18 months before 2028-12
  const delivered = { orderId: 'ord_OLDPAYABLE', merchantId: 'mer_OLDPAYABLE', placedAt: deliveredAt, deliveredAt, attribution: null, takeRateBps: 500 };
  await onOrderDelivered({ ...delivered, settlementMerchandise: { amount: 10_000, currency: 'CNY' } }, { correlationId: 'preview' });

  const preview = await request(runtime.url, 'GET', '/v1/payout-periods/2028-12/preview', { key: financeKey });
  expect(preview.status).toBe(200);
  // 100.00 gross at 5 %: net 95.00 (before: the merchant half looked back 12 months and missed it).
  expect(preview.body.merchants).toMatchObject({ lines: [{ merchantId: 'mer_OLDPAYABLE' }], totals: { net: { amount: 9_500 } } });

  expect((await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2028-12' } })).status).toBe(201);
  await runtime.settle();
  const statements = await request(runtime.url, 'GET', '/v1/payout-runs/run_2028-12/merchant-statements', { key: financeKey });
  expect(statements.body).toMatchObject({ lines: [{ merchantId: 'mer_OLDPAYABLE', net: { amount: 9_500 } }] });
});
