import { jest } from '@jest/globals';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { db } from '../support/payouts-db.js';
import { processRun } from '../../functions/payouts/payout-runs.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request, type Reply } from '../support/http.js';
import { clockNow, deliverOrder, setClock, yuan } from '../support/payouts.js';
import { startTestRuntime } from '../support/runtime.js';

// Issue 10 on DynamoDB Local through the real handlers: catch-up of a skipped month, one run
// at a time, consistent reads, special additional deductions through a run, one clock, and
// a single processor per run.

let runtime: Runtime;
let adminKey: string;
let financeKey: string;
let stop: () => Promise<void>;
let wages: string;
let labour: string;

const post = (period: string) => request(runtime.url, 'POST', '/v1/payout-runs', { key: financeKey, body: { period } });
const getRunView = (period: string) => request(runtime.url, 'GET', `/v1/payout-runs/run_${period}`, { key: financeKey });
type Line = { creatorId: string; gross: { amount: number }; taxWithheld: { amount: number } };
const lines = async (period: string): Promise<Map<string, Line>> => {
  const report = await request(runtime.url, 'GET', `/v1/payout-runs/run_${period}/report?format=json`, { key: financeKey });
  expect(report.status).toBe(200);
  return new Map((report.body.lines as Line[]).map((l) => [l.creatorId, l]));
};
/** A run the test drives itself: the head and the run item as startRun writes them, no request on the bus. */
const runWithoutWorker = async (period: string, fromPeriod: string, leaseExpiresAtMs: number) => {
  const { data: head } = await db().entities.payoutHead.get({}).go({ consistent: true });
  await db().entities.payoutHead.put({ lastPeriod: period, runningPeriod: period, version: (head?.version ?? 0) + 1 }).go();
  const now = clockNow();
  await db().entities.payoutRun.create({ period, fromPeriod, status: 'running', leaseExpiresAtMs, grossFen: 0, agencyFeeFen: 0, taxWithheldFen: 0, netFen: 0, lineCount: 0, createdAt: now, updatedAt: now }).go();
};

beforeAll(async () => {
  setClock('2027-01-05T00:00:00.000Z');
  ({ runtime, adminKey, stop } = await startTestRuntime('payoutsafety'));
  financeKey = String((await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } })).body.apiKey);
  const agency = await request(runtime.url, 'POST', '/v1/admin/agencies', { key: adminKey, body: { name: 'MCN', country: 'CN', feeBps: 2000 } });
  const agencyId = String((agency.body.agency as { id: string }).id);
  const creator = async (body: Record<string, unknown>) => String(((await request(runtime.url, 'POST', '/v1/admin/creators', { key: adminKey, body })).body.creator as { id: string }).id);
  const base = { identityVerified: true, followers: 50_000, taxResidency: 'resident' };
  wages = await creator({ ...base, displayName: 'Wages', contract: { type: 'agency', agencyId, commissionRateBps: 1000, startsOn: '2027-01-01' }, deductions: { monthlySpecial: '1000.00', monthlySpecialAdditional: '2000.00' } });
  labour = await creator({ ...base, displayName: 'Labour', contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' } });
});

afterAll(async () => {
  delete process.env.CLOCK_OFFSET_MS;
  await stop();
});

describe('payout runs under a messy real world (issue 10)', () => {
  it('withholds 150.00 in February through a real run: additional deductions count January without a line (DOMAIN example)', async () => {
    await deliverOrder(runtime, labour, 10_000, '2027-01-10T00:00:00.000Z'); // January: only the labour creator
    setClock('2027-02-02T00:00:00.000Z');
    expect((await post('2027-01')).status).toBe(201);
    await runtime.settle();
    expect((await lines('2027-01')).has(wages)).toBe(false);
    await deliverOrder(runtime, wages, 250_000, '2027-02-03T00:00:00.000Z'); // commission 25,000; fee 5,000; taxable 20,000
    setClock('2027-03-02T00:00:00.000Z');
    expect((await post('2027-02')).status).toBe(201);
    await runtime.settle();
    expect((await lines('2027-02')).get(wages)?.taxWithheld.amount).toBe(yuan(150));
  });

  it('catches up a skipped month: March is settled by the April run, and March can no longer be run', async () => {
    await deliverOrder(runtime, labour, 10_000, '2027-03-05T00:00:00.000Z'); // 1,000 payable in March
    setClock('2027-04-03T00:00:00.000Z');
    await deliverOrder(runtime, labour, 20_000, '2027-04-05T00:00:00.000Z'); // 2,000 payable in April
    setClock('2027-05-02T00:00:00.000Z');
    expect((await post('2027-04')).status).toBe(201);
    await runtime.settle();
    expect((await lines('2027-04')).get(labour)?.gross.amount).toBe(yuan(3_000));
    expect(await post('2027-03')).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
  });

  it('stamps everything a run records with the business clock', async () => {
    const view = await getRunView('2027-04');
    expect(view.body).toMatchObject({ status: 'completed', createdAt: expect.stringMatching(/^2027-05-02/), completedAt: expect.stringMatching(/^2027-05-02/) });
    const { data } = await db().entities.payoutLine.query.byRun({ period: '2027-04' }).go();
    expect(data.map((l) => l.createdAt.slice(0, 10))).toEqual(['2027-05-02']);
  });

  it('runs one at a time: 409 while another runs; a live lease is not nudged, a lapsed one resumes', async () => {
    await deliverOrder(runtime, labour, 10_000, '2027-05-05T00:00:00.000Z');
    setClock('2027-07-02T00:00:00.000Z');
    await runWithoutWorker('2027-05', '2027-05', Date.now() + 60_000);
    const busy = await post('2027-06');
    expect(busy).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    // Re-POSTing the running period with its lease alive (the business clock is months ahead) requests nothing.
    expect((await post('2027-05')).status).toBe(200);
    await runtime.settle();
    expect((await getRunView('2027-05')).body).toMatchObject({ status: 'running', lineCount: 0 });
    // Its lease lapses (the worker died): a re-POST nudges, and the run completes by itself.
    await db().entities.payoutRun.patch({ period: '2027-05' }).set({ leaseExpiresAtMs: Date.now() - 1 }).go();
    expect((await post('2027-05')).status).toBe(200);
    await runtime.settle();
    expect((await getRunView('2027-05')).body).toMatchObject({ status: 'completed', lineCount: 1 });
    expect((await post('2027-06')).status).toBe(201);
    await runtime.settle();
  });

  it('lets exactly one of two concurrent processors work; the other and a later duplicate change nothing', async () => {
    await deliverOrder(runtime, labour, 10_000, '2027-07-05T00:00:00.000Z');
    await deliverOrder(runtime, wages, 10_000, '2027-07-05T00:00:00.000Z');
    setClock('2027-08-02T00:00:00.000Z');
    await runWithoutWorker('2027-07', '2027-07', 0);
    const sent: QueryCommandInput[] = [];
    const send = documentClient.send.bind(documentClient);
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the spy passes the client's own promise through
    const spy = jest.spyOn(documentClient, 'send').mockImplementation(((command: unknown, ...rest: unknown[]) => {
      if (command instanceof QueryCommand) sent.push(command.input);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof documentClient.send);
    try {
      // Neither fails (before: the loser hit the winner's writes on every retry and ended in the dead letters).
      const outcomes = await Promise.allSettled([processRun('2027-07', 'one'), processRun('2027-07', 'two')]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      spy.mockRestore();
    }
    // Completeness does not rest on an index: every payable read is a strongly consistent base-table Query.
    const payableReads = sent.filter((input) => String(input.ExpressionAttributeValues?.[':pk'] ?? '').startsWith('PAYABLE#'));
    expect(payableReads.length).toBeGreaterThanOrEqual(4);
    expect(payableReads.every((input) => input.ConsistentRead === true && input.IndexName === undefined)).toBe(true);
    await processRun('2027-07', 'duplicate');
    const view = await getRunView('2027-07');
    expect(view.body).toMatchObject({ status: 'completed', lineCount: 2, totals: { gross: { amount: yuan(2_000) } } });
  });

  it('pages the report (JSON nextCursor; CSV header once, next page in x-next-cursor) and lists runs newest first', async () => {
    const base = '/v1/payout-runs/run_2027-07/report';
    const jsonPages: Array<Record<string, unknown>> = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await request(runtime.url, 'GET', `${base}?format=json&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: financeKey });
      expect(page.status).toBe(200);
      expect(page.body.agencies).toBeUndefined(); // per-agency totals only come with a whole report
      jsonPages.push(page.body);
      cursor = (page.body.nextCursor as string | null) ?? null;
    } while (cursor);
    expect(jsonPages[0]?.lines).toHaveLength(1);
    const whole = await request(runtime.url, 'GET', `${base}?format=json`, { key: financeKey });
    expect(whole.body).toMatchObject({ nextCursor: null, agencies: [expect.any(Object)] });
    expect(jsonPages.flatMap((p) => p.lines as Line[])).toEqual(whole.body.lines);

    const auth = { authorization: `Bearer ${financeKey}` };
    let csv = '';
    let pages = 0;
    do {
      const page = await fetch(`${runtime.url}${base}?format=csv&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: auth });
      csv += Buffer.from(await page.arrayBuffer()).toString('latin1');
      cursor = page.headers.get('x-next-cursor');
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(2);
    const wholeCsv = Buffer.from(await (await fetch(`${runtime.url}${base}?format=csv`, { headers: auth })).arrayBuffer()).toString('latin1');
    expect(csv).toBe(wholeCsv); // the pages concatenate into the whole file: one BOM, one header
    expect(csv.split('\r\n')).toHaveLength(4);

    const list = await request(runtime.url, 'GET', '/v1/payout-runs?limit=2', { key: financeKey });
    expect((list.body.data as Array<{ period: string }>).map((r) => r.period)).toEqual(['2027-07', '2027-06']);
    const more = await request(runtime.url, 'GET', `/v1/payout-runs?limit=2&cursor=${encodeURIComponent(String(list.body.nextCursor))}`, { key: financeKey });
    expect((more.body.data as Array<{ period: string }>).map((r) => r.period)).toEqual(['2027-05', '2027-04']);
  });
});
