/**
 * Seeding for `npm run bench -- payouts` (not timed). Items are built by the domain's own
 * builders (`commissionEntryItem`, `settlementEntryItem` after `applyFact`) and rendered by
 * the ElectroDB entities that define each item's layout (`.params()`; the agreement tests hold
 * the handlers' own item builders to the same entities, decision 0046); they go to DynamoDB Local with
 * BatchWriteItem, 25 per call, a few calls in flight, UnprocessedItems retried.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { commissionEntryItem } from '../functions/payouts/commissions.js';
import type { CreatorTerms } from '../functions/payouts/creators.js';
import { db } from '../test/support/payouts-db.js';
import { applyFact, initialSettlement } from '../functions/payouts/settlement-order.js';
import { settlementEntryItem } from '../functions/payouts/settlement-store.js';
import { addDays, periodOf, previousPeriod } from '../functions/payouts/periods.js';
import { personalTerms } from '../test/support/payouts.js';

type Item = Record<string, unknown>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes every item with BatchWriteItem (25 a call, `concurrency` calls in flight), retrying unprocessed items with backoff. */
export const batchWrite = async (client: DynamoDBDocumentClient, tableName: string, items: Iterable<Item>, concurrency = 8): Promise<number> => {
  const source = items[Symbol.iterator]();
  let written = 0;
  const take = (): Item[] => {
    const batch: Item[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      batch.push(next.value);
      if (batch.length === 25) break;
    }
    return batch;
  };
  const worker = async (): Promise<void> => {
    for (let batch = take(); batch.length > 0; batch = take()) {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
        if (attempt > 12) throw new Error(`BatchWriteItem kept leaving ${requests.length} items unprocessed`);
        const answer = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (answer.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
      written += batch.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return written;
};

const padded = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}`;
export const seededAt = '2026-06-01T00:00:00.000Z';
const agencyId = 'agy_BENCH';

/** The run head as after the previous month's run: the measured run covers its own month only, as every monthly run after the first does. */
export function* previousMonthRun(period: string): Generator<Item> {
  yield db().entities.payoutHead.put({ lastPeriod: previousPeriod(period), version: 1 }).params().Item as Item;
}

/**
 * N payable commission entries of `period` over N/10 creators: every other creator paid
 * through an agency as a resident (wages, cumulative withholding), the rest personally
 * (labour remuneration); each creator's terms as registration writes them (creator and
 * version 1).
 */
export function* creatorPayoutItems(n: number, period: string): Generator<Item> {
  const { entities } = db();
  const creators = Math.max(1, Math.floor(n / 10));
  const now = new Date(`${period}-15T00:00:00.000Z`);
  yield entities.agency.put({ agencyId, name: 'Bench MCN', country: 'CN', feeBps: 2_000, createdAt: seededAt }).params().Item as Item;
  for (let i = 0; i < creators; i += 1) {
    const creatorId = padded('cre_B', i);
    const terms: CreatorTerms =
      i % 2 === 0
        ? personalTerms({ displayName: `Bench creator ${i}` })
        : personalTerms({ displayName: `Bench creator ${i}`, taxResidency: 'resident', contract: { type: 'agency', agencyId, commissionRateBps: 1_000, startsOn: '2026-01-01' } });
    yield entities.creator.put({ creatorId, terms, version: 1, createdAt: seededAt, updatedAt: seededAt }).params().Item as Item;
    yield entities.creatorVersion.put({ creatorId, version: 1, validFrom: seededAt, terms }).params().Item as Item;
  }
  for (let j = 0; j < n; j += 1) {
    const entry = commissionEntryItem({ orderId: padded('ord_B', j), creatorId: padded('cre_B', j % creators), kind: 'accrual', amountFen: 10_000 + (j % 997), period }, now);
    yield entities.commissionEntry.put(entry).params().Item as Item;
  }
}

/**
 * N delivered orders payable in `period` over N/10 merchants (5 % take rate; every other
 * order attributed to a creator at 10 %): the merchant, and each order's accrual entry as
 * the delivery step writes it (settlement-order.ts `applyFact`, settlement-store.ts).
 * The other items of a delivery (order state, period totals, postings) are not read by the run.
 */
export function* merchantSettlementItems(n: number, period: string): Generator<Item> {
  const { entities } = db();
  const merchants = Math.max(1, Math.floor(n / 10));
  const deliveredAt = `${period}-05T00:00:00.000Z`;
  const payableAt = addDays(deliveredAt, 7);
  const now = new Date(deliveredAt);
  for (let i = 0; i < merchants; i += 1) {
    const merchant = { merchantId: padded('mer_B', i), name: `Bench merchant ${i}`, uscc: `91440300BENCH${String(i).padStart(5, '0')}`, contactEmail: 'finance@bench.example.cn' };
    yield entities.merchant.put({ ...merchant, markets: ['US'], status: 'active', createdAt: seededAt, takeRateBps: 500 }).params().Item as Item;
  }
  for (let j = 0; j < n; j += 1) {
    const step = applyFact(initialSettlement(padded('ord_M', j), padded('mer_B', j % merchants)), {
      kind: 'delivered',
      grossFen: 50_000 + (j % 9_973),
      takeRateBps: 500,
      commissionRateBps: j % 2 === 0 ? 1_000 : null,
      deliveredAt,
      payableAt,
      period: periodOf(new Date(payableAt)),
    });
    if (!step) throw new Error('a delivery of a fresh order always accrues');
    for (const entry of step.entries) yield entities.settlementEntry.put(settlementEntryItem(step.state, entry, now)).params().Item as Item;
  }
}
