import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { newId } from '../../functions/shared/ids.js';
import { busEvent, clockNow, deliverOrder, setClock, yuan } from '../support/payouts.js';
import { processRun } from '../../functions/payouts/payout-runs.js';
import { db } from '../support/payouts-db.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request, type Reply } from '../support/http.js';
import { startTestRuntime } from '../support/runtime.js';

// Creator payouts on DynamoDB Local: creators of all four kinds, commissions from delivered
// orders, refunds before and after payout, a period's run (and its retries, concurrency and
// a crash), the report, and the ledger. Every figure is checked by hand against DOMAIN.md.

let runtime: Runtime;
let adminKey: string;
let tableName: string;
let financeKey: string;
let stop: () => Promise<void>;

const event = busEvent;
const deliver = (creatorId: string, settlementYuan: number, deliveredAt: string, orderId?: string) => deliverOrder(runtime, creatorId, settlementYuan, deliveredAt, orderId);

const refund = (orderId: string, refundedCents: number, paidCents: number) =>
  runtime.invoke(
    'reverseCommission',
    event('OrderRefunded', 'xborder.payments', {
      orderId,
      merchantId: 'mer_01TEST',
      refundId: newId('ref'),
      amount: { amount: refundedCents, currency: 'USD' },
      refundedTotal: { amount: refundedCents, currency: 'USD' },
      paidTotal: { amount: paidCents, currency: 'USD' },
      settlementMerchandise: { amount: 1, currency: 'CNY' },
      fullyRefunded: refundedCents >= paidCents,
      source: 'api',
      refundedAt: new Date().toISOString(),
    }),
  );

const creator = async (body: Record<string, unknown>): Promise<string> => {
  const reply = await request(runtime.url, 'POST', '/v1/admin/creators', { key: adminKey, body });
  expect(reply.status).toBe(201);
  return String((reply.body.creator as { id: string }).id);
};

/** Runs a period once it is over (the clock moves to the 2nd of the next month). */
const run = async (period: string) => {
  const [y = 0, m = 0] = period.split('-').map(Number);
  setClock(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-02T00:00:00.000Z`);
  const started = await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period } });
  expect([200, 201]).toContain(started.status);
  await runtime.settle();
  const done = await request(runtime.url, 'GET', `/v1/payout-runs/${String(started.body.id)}`, { key: financeKey });
  expect(done.body.status).toBe('completed');
  return done;
};

type Line = { creatorId: string; incomeCategory: string; gross: { amount: number }; agencyFee: { amount: number }; taxableIncome: { amount: number }; taxWithheld: { amount: number }; net: { amount: number } };
const lines = async (period: string): Promise<Map<string, Line>> => {
  const report = await request(runtime.url, 'GET', `/v1/payout-runs/run_${period}/report?format=json`, { key: financeKey });
  expect(report.status).toBe(200);
  return new Map((report.body.lines as Line[]).map((l) => [l.creatorId, l]));
};
const figures = (l: Line | undefined) => l && [l.gross.amount, l.agencyFee.amount, l.taxableIncome.amount, l.taxWithheld.amount, l.net.amount];

let agencyId: string;
const ids: Record<'agencyResident' | 'agencyNonResident' | 'personalResident' | 'personalNonResident' | 'ineligible', string> = {
  agencyResident: '',
  agencyNonResident: '',
  personalResident: '',
  personalNonResident: '',
  ineligible: '',
};

beforeAll(async () => {
  setClock('2027-03-01T00:00:00.000Z'); // creators registered on March 1st, 2027
  ({ runtime, adminKey, tableName, stop } = await startTestRuntime('payouts'));
  financeKey = String((await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } })).body.apiKey);
  const agency = await request(runtime.url, 'POST', '/v1/admin/agencies', { key: adminKey, body: { name: '星光传媒 MCN', country: 'CN', feeBps: 2000 } });
  agencyId = String((agency.body.agency as { id: string }).id);
  const base = { identityVerified: true, followers: 50_000 };
  ids.agencyResident = await creator({
    ...base,
    displayName: '李小红',
    taxResidency: 'resident',
    contract: { type: 'agency', agencyId, commissionRateBps: 1000, startsOn: '2027-03-01' },
    deductions: { monthlySpecial: '1000.00', monthlySpecialAdditional: '2000.00' },
  });
  ids.agencyNonResident = await creator({ ...base, displayName: 'Mia Chen', taxResidency: 'non_resident', contract: { type: 'agency', agencyId, commissionRateBps: 1000, startsOn: '2026-01-01' } });
  ids.personalResident = await creator({ ...base, displayName: '王大明', taxResidency: 'resident', contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' } });
  ids.personalNonResident = await creator({ ...base, displayName: 'Sam "Sammy" Lee, Jr.', taxResidency: 'non_resident', contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' } });
  ids.ineligible = await creator({ displayName: 'New Face', identityVerified: true, followers: 500, taxResidency: 'resident', contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' } });
});

afterAll(async () => {
  delete process.env.CLOCK_OFFSET_MS;
  await stop();
});

describe('creators', () => {
  it('derives eligibility, requires an agency for agency contracts, and versions every change', async () => {
    const noAgency = await request(runtime.url, 'POST', '/v1/admin/creators', {
      key: adminKey,
      body: { displayName: 'X', taxResidency: 'resident', identityVerified: true, followers: 1, contract: { type: 'agency', commissionRateBps: 1, startsOn: '2026-01-01' } },
    });
    expect(noAgency).toMatchObject({ status: 400, body: { errors: [{ path: 'contract.agencyId' }] } });
    const patched = await request(runtime.url, 'PATCH', `/v1/admin/creators/${ids.ineligible}`, { key: adminKey, body: { followers: 1_000 } });
    expect(patched.body.creator).toMatchObject({ eligible: true, version: 2 });
    await request(runtime.url, 'PATCH', `/v1/admin/creators/${ids.ineligible}`, { key: adminKey, body: { followers: 500 } });
  });
});

describe('a month of payouts, checked by hand', () => {
  it('pays all four kinds per DOMAIN.md, skips the ineligible, nets a refund, and balances the ledger', async () => {
    // All delivered in early March 2027: payable 7 days later, still in March (Shanghai).
    await deliver(ids.agencyResident, 300_000, '2027-03-03T00:00:00.000Z'); // commission 30,000
    await deliver(ids.agencyNonResident, 80_000, '2027-03-03T00:00:00.000Z'); // 8,000
    await deliver(ids.personalResident, 60_000, '2027-03-03T00:00:00.000Z'); // 6,000
    const halfRefunded = await deliver(ids.personalResident, 20_000, '2027-03-04T00:00:00.000Z'); // 2,000, half refunded: -1,000
    await refund(halfRefunded, 5_000, 10_000);
    await refund(halfRefunded, 5_000, 10_000); // the same refund delivered again: nothing more
    const paidLater = await deliver(ids.personalNonResident, 200_000, '2027-03-05T00:00:00.000Z'); // 20,000
    await deliver(ids.ineligible, 100_000, '2027-03-05T00:00:00.000Z');
    await deliver(ids.ineligible, 100_000, '2027-03-05T00:00:00.000Z', 'ord_REDELIVERED00000000000000');
    await runtime.invoke('accrueCommission', event('OrderDelivered', 'xborder.orders', { orderId: 'ord_REDELIVERED00000000000000', merchantId: 'mer_01TEST', placedAt: clockNow(), deliveredAt: '2027-03-05T00:00:00.000Z', settlementMerchandise: { amount: 1, currency: 'CNY' }, attribution: { creatorId: ids.ineligible } }));

    const march = await run('2027-03');
    const paid = await lines('2027-03');
    // Agency, resident (wages, cumulative; contract from March: 1 month employed):
    //   gross 30,000; fee 20% 6,000; taxable 24,000; cumulative taxable 24,000 - 5,000 - 1,000 - 2,000 = 16,000 -> 3% = 480; net 23,520
    expect(figures(paid.get(ids.agencyResident))).toEqual([yuan(30_000), yuan(6_000), yuan(24_000), yuan(480), yuan(23_520)]);
    // Agency, non-resident (wages): gross 8,000; fee 1,600; taxable 6,400; monthly table on 1,400 -> 3% = 42; net 6,358
    expect(figures(paid.get(ids.agencyNonResident))).toEqual([yuan(8_000), yuan(1_600), yuan(6_400), yuan(42), yuan(6_358)]);
    // Personal, resident (labour): gross 6,000 + 2,000 - 1,000 = 7,000; taxable 80% 5,600 -> 20% = 1,120; net 5,880
    expect(figures(paid.get(ids.personalResident))).toEqual([yuan(7_000), 0, yuan(5_600), yuan(1_120), yuan(5_880)]);
    // Personal, non-resident (labour): gross 20,000; taxable 16,000 -> 20% - 1,410 = 1,790 (DOMAIN's example); net 18,210
    expect(figures(paid.get(ids.personalNonResident))).toEqual([yuan(20_000), 0, yuan(16_000), yuan(1_790), yuan(18_210)]);
    expect(paid.has(ids.ineligible)).toBe(false);
    expect(paid.get(ids.agencyResident)?.incomeCategory).toBe('wages');
    expect(paid.get(ids.personalResident)?.incomeCategory).toBe('labor_remuneration');
    expect(march.body).toMatchObject({
      lineCount: 4,
      totals: { gross: { amount: yuan(65_000) }, agencyFees: { amount: yuan(7_600) }, taxWithheld: { amount: yuan(3_432) }, net: { amount: yuan(53_968) } },
    });

    const report = await request(runtime.url, 'GET', '/v1/payout-runs/run_2027-03/report?format=json', { key: financeKey });
    expect(report.body.agencies).toEqual([expect.objectContaining({ agencyId, transfer: { amount: yuan(38_000), currency: 'CNY' }, taxToRemit: { amount: yuan(522), currency: 'CNY' } })]);
    const csv = await fetch(`${runtime.url}/v1/payout-runs/run_2027-03/report?format=csv`, { headers: { authorization: `Bearer ${financeKey}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('creator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny\r\n');
    expect(text).toContain(`${ids.agencyResident},李小红,${agencyId},agency,resident,wages,30000.00,6000.00,24000.00,480.00,23520.00\r\n`);
    expect(text).toContain(`"Sam ""Sammy"" Lee, Jr."`);

    // A refund after payout nets against the next period; a negative total carries forward.
    await refund(paidLater, 10_000, 10_000); // reverses 20,000
    await run('2027-04'); // the reversal's period: March was paid already
    expect((await lines('2027-04')).has(ids.personalNonResident)).toBe(false);
    await deliver(ids.personalNonResident, 250_000, '2027-05-02T00:00:00.000Z'); // 25,000 in May (the clock is at May 2nd)
    await run('2027-05');
    // 25,000 - 20,000 carried = 5,000; taxable 80% 4,000 -> 10% - 210 = 190; net 4,810
    expect(figures((await lines('2027-05')).get(ids.personalNonResident))).toEqual([yuan(5_000), 0, yuan(4_000), yuan(190), yuan(4_810)]);

    // The ledger: every posting balances, and all accounts together sum to zero.
    // Stamped with the business clock: the months the clock was moved through.
    const postings: Array<{ lines: Array<{ account: string; amountFen: number }> }> = [];
    for (const month of ['2027-03', '2027-04', '2027-05', '2027-06']) {
      for (let bucket = 0; bucket < 4; bucket += 1) {
        const page = await documentClient.send(new QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${month}#${bucket}` } }));
        postings.push(...((page.Items ?? []) as typeof postings));
      }
    }
    expect(postings.length).toBeGreaterThanOrEqual(12);
    for (const p of postings) expect(p.lines.reduce((s, l) => s + l.amountFen, 0)).toBe(0);
    const balances = new Map<string, number>();
    for (const p of postings) for (const l of p.lines) balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
    expect([...balances.values()].reduce((s, v) => s + v, 0)).toBe(0);
    expect(balances.get(`creator_payable:${ids.agencyResident}`)).toBe(0); // accrued and paid out
    expect(balances.get(`creator_payable:${ids.personalNonResident}`)).toBe(0); // paid, reversed, netted, paid
    expect(balances.get('tax_payable')).toBe(-yuan(1_120 + 1_790 + 190));
  });
});

describe('payout runs', () => {
  it('has exactly one run per period, whatever is sent concurrently (201 first, 200 after)', async () => {
    setClock('2027-08-02T00:00:00.000Z');
    const replies: Reply[] = await Promise.all(Array.from({ length: 6 }, () => request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2027-07' } })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    await runtime.settle();
    const again = await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2027-07' } });
    expect(again).toMatchObject({ status: 200, body: { id: 'run_2027-07', status: 'completed' } });
    expect((await request(runtime.url, 'POST', '/v1/payout-runs', { key: adminKey, body: { period: '2027-07' } })).status).toBe(403);
    expect((await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2026-13' } })).status).toBe(400);
    const notOver = await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2027-08' } });
    expect(notOver).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    const outOfOrder = await request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period: '2027-01' } });
    expect(outOfOrder).toMatchObject({ status: 409, body: { code: 'invalid_state' } }); // 2027-07 already ran
  });

  it('never lands an accrual in a period that was already run: it goes to the next open one', async () => {
    setClock('2027-08-03T00:00:00.000Z');
    // Delivered in March but reported only now: March to July all have runs, so August is the first open period.
    const orderId = await deliver(ids.agencyResident, 10_000, '2027-03-20T00:00:00.000Z');
    const { data } = await db().entities.commissionEntry.query.byOrder({ orderId }).go();
    expect(data.map((e) => [e.kind, e.amountFen, e.period])).toEqual([['accrual', yuan(1_000), '2027-08']]);
  });
  it('finishes with the same lines and totals after a crash mid-run, catching up the late August accrual', async () => {
    setClock('2027-09-01T00:00:00.000Z');
    const period = '2027-09';
    const creators = [ids.agencyNonResident, ids.personalResident, ids.personalNonResident];
    for (const c of creators) await deliver(c, 10_000, '2027-09-03T00:00:00.000Z'); // 1,000 each
    setClock('2027-10-02T00:00:00.000Z');
    // The run exists, but its worker is this test (no PayoutRunRequested on the bus): crash after the first creator.
    const now = clockNow();
    await db().entities.payoutHead.put({ lastPeriod: period, runningPeriod: period, version: 99 }).go();
    await db().entities.payoutRun.create({ period, fromPeriod: '2027-08', status: 'running', grossFen: 0, agencyFeeFen: 0, taxWithheldFen: 0, netFen: 0, lineCount: 0, createdAt: now, updatedAt: now }).go();
    let settled = 0;
    const crash = () => {
      settled += 1;
      if (settled === 1) throw new Error('simulated crash');
    };
    await expect(processRun(period, 'crash-test', { afterPayee: crash, leaseMs: 100 })).rejects.toThrow('simulated crash');
    await processRun(period, 'crash-test', { leaseMs: 100 }); // the redelivery waits out the dead lease and resumes after the checkpoint
    await runtime.settle();
    const done = await request(runtime.url, 'GET', `/v1/payout-runs/run_${period}`, { key: financeKey });
    expect(done.body).toMatchObject({ status: 'completed', lineCount: 4, totals: { gross: { amount: yuan(4_000) } } });
    const paid = await lines(period);
    expect([...paid.keys()].sort()).toEqual([...creators, ids.agencyResident].sort());
  });
});
