import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { queryFill, queryPage } from '../../functions/shared/db/read.js';
import { storedItem } from '../../functions/shared/db/write.js';
import { freshTable } from '../support/tables.js';

// A report page is `limit` records, however many Queries that takes: DynamoDB ends a Query at
// 1 MB whatever its Limit (decision 0053). 1,300 items of about 1 KB are more than one Query
// returns; every 20th item of another entity in the partition is skipped, not counted. With a
// byte budget a page also ends before the record that would pass it.

const partition = 'FILL#1';
const pad = '茶'.repeat(300);
const record = z.object({ n: z.number() });
let tableName = '';

beforeAll(async () => {
  tableName = await freshTable('query-fill');
  const items = Array.from({ length: 1_300 }, (_, n) =>
    storedItem(n % 20 === 7 ? 'payoutLine' : 'merchantStatement', { n, pad }, { pk: partition, sk: `S#${String(n).padStart(5, '0')}`, gsi1pk: 'FILLS', gsi1sk: `G#${String(n).padStart(5, '0')}` }),
  );
  for (let i = 0; i < items.length; i += 25) {
    await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
});

const ours = Array.from({ length: 1_300 }, (_, n) => n).filter((n) => n % 20 !== 7);

describe('queryFill', () => {
  it('needs more than one Query here: one stops at 1 MB, short of its Limit', async () => {
    const one = await queryPage('merchantStatement', record, { partition }, { limit: 5_000 });
    expect(one.next).toBeDefined();
    expect(one.records.length).toBeLessThan(ours.length);
  });

  it('reads up to its limit across Queries, and ends with no next at the end of the partition', async () => {
    const all = await queryFill('merchantStatement', record, { partition }, { limit: 5_000 });
    expect(all.records.map((r) => r.n)).toEqual(ours);
    expect(all.next).toBeUndefined();
  });

  it('stops at exactly its limit, and the next page starts where it stopped', async () => {
    const first = await queryFill('merchantStatement', record, { partition }, { limit: 1_000 });
    expect(first.records).toHaveLength(1_000);
    expect(first.next).toBeDefined();
    const rest = await queryFill('merchantStatement', record, { partition }, { limit: 1_000, start: first.next });
    expect(rest.next).toBeUndefined();
    expect([...first.records, ...rest.records].map((r) => r.n)).toEqual(ours);
  });

  it('ends a page before the record that would pass its budget, and continues from there on an index', async () => {
    // Weights 1..: a budget of 1,000 ends each page mid-Query, after a record or a skipped item.
    const budget = { max: 1_000, weigh: (r: { n: number }) => 1 + (r.n % 7) };
    const read: number[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await queryFill('merchantStatement', record, { index: 'gsi1', partition: 'FILLS' }, { limit: 5_000, start, budget });
      expect(page.records.reduce((t, r) => t + budget.weigh(r), 0)).toBeLessThanOrEqual(budget.max);
      if (page.next) expect(page.records.reduce((t, r) => t + budget.weigh(r), 0)).toBeGreaterThan(budget.max - 7);
      read.push(...page.records.map((r) => r.n));
      start = page.next;
      pages += 1;
    } while (start);
    expect(read).toEqual(ours);
    expect(pages).toBeGreaterThan(4);
  });

  it('takes the first record whatever it weighs', async () => {
    const page = await queryFill('merchantStatement', record, { partition }, { limit: 5_000, budget: { max: 1, weigh: () => 10 } });
    expect(page.records.map((r) => r.n)).toEqual([0]);
    const second = await queryFill('merchantStatement', record, { partition }, { limit: 5_000, start: page.next, budget: { max: 1, weigh: () => 10 } });
    expect(second.records.map((r) => r.n)).toEqual([1]);
  });
});
