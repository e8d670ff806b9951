import { onOrderDelivered as accrueCommission } from '../../functions/payouts/commissions.js';
import { db } from '../support/payouts-db.js';
import { processRun, startRun } from '../../functions/payouts/payout-runs.js';
import { onOrderDelivered as accrueSettlement } from '../../functions/payouts/settlement-store.js';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { personalTerms, setClock } from '../support/payouts.js';
import { freshTable } from '../support/tables.js';

// The payout run's DynamoDB calls, counted (its timing at 10,000 and 100,000 entries is
// `npm run bench -- payouts`): never a Scan, one transaction per settled payee, and a
// bounded number of reads per payee, creators and merchants alike.

const calls = new Map<string, number>();
let counting = false;
documentClient.middlewareStack.add(
  (next, context) => async (args) => {
    const command = context.commandName ?? 'unknown';
    if (counting) calls.set(command, (calls.get(command) ?? 0) + 1);
    return next(args);
  },
  { step: 'initialize', name: 'payoutRunCallCounter' },
);

const agencyId = 'agy_CALLS';
const creatorId = (i: number) => `cre_CALLS${i}`;
const merchantId = (i: number) => `mer_CALLS${i}`;

/** Payable in `period` (delivered on its 2nd, return window 7 days): one commission per creator, one settlement per merchant. */
const deliver = async (period: string, payees: number) => {
  const deliveredAt = `${period}-02T00:00:00.000Z`;
  for (let i = 0; i < payees; i += 1) {
    const order = { orderId: `ord_CALLS${period}C${i}`, merchantId: merchantId(i), placedAt: deliveredAt, deliveredAt, settlementMerchandise: { amount: 100_000, currency: 'CNY' as const }, takeRateBps: 500 };
    await accrueCommission({ ...order, attribution: { creatorId: creatorId(i) } }, { correlationId: 'calls' });
    await accrueSettlement({ ...order, orderId: `ord_CALLS${period}M${i}`, attribution: null }, { correlationId: 'calls' });
  }
};

/** The calls of one run (started without a worker: this test processes it), by command. */
const countedRun = async (period: string): Promise<Record<string, number>> => {
  // Ten days after the 28th: the period is over.
  setClock(new Date(Date.parse(`${period}-28T00:00:00.000Z`) + 10 * 86_400_000).toISOString());
  await startRun(period, 'calls');
  calls.clear();
  counting = true;
  try {
    expect(await processRun(period, 'calls')).toMatchObject({ status: 'completed' });
  } finally {
    counting = false;
  }
  return Object.fromEntries(calls);
};

beforeAll(async () => {
  await freshTable('runcalls');
  setClock('2027-01-01T00:00:00.000Z');
  await db().entities.agency.put({ agencyId, name: 'MCN', country: 'CN', feeBps: 2_000, createdAt: '2026-01-01T00:00:00.000Z' }).go();
  for (let i = 0; i < 8; i += 1) {
    // Every other creator is paid through the agency as a resident (the most reads: agency, year-to-date wages).
    const terms = i % 2 === 0 ? personalTerms() : personalTerms({ taxResidency: 'resident', contract: { type: 'agency', agencyId, commissionRateBps: 1_000, startsOn: '2026-01-01' } });
    await db().entities.creatorVersion.put({ creatorId: creatorId(i), version: 1, validFrom: '2026-01-01T00:00:00.000Z', terms }).go();
  }
});

afterAll(() => {
  delete process.env.CLOCK_OFFSET_MS;
});

it('runs without a Scan, with one transaction per payee and at most four reads per payee', async () => {
  await countedRun('2027-01'); // the first run: it reaches back 36 periods, so the next ones each cover one
  await deliver('2027-02', 2);
  const small = await countedRun('2027-02');
  await deliver('2027-03', 6);
  const large = await countedRun('2027-03');

  // Commands by name as sent (ElectroDB's GetItemCommand, the run's own QueryCommand, ...).
  for (const run of [small, large]) expect(Object.keys(run).filter((command) => command.includes('Scan'))).toEqual([]);
  // The lease, one per creator and merchant, the merchant half's completion, the run's completion.
  expect(small.TransactWriteItemsCommand).toBe(1 + 2 * 2 + 2);
  expect(large.TransactWriteItemsCommand).toBe(1 + 2 * 6 + 2);
  // Four more creators and four more merchants: creator (state, terms, agency, year-to-date), merchant (statement, state, merchant).
  const reads = (run: Record<string, number>) => (run.GetItemCommand ?? 0) + (run.QueryCommand ?? 0);
  expect(reads(large) - reads(small)).toBeLessThanOrEqual(4 * 2 * 4);
});
