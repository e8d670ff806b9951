/**
 * `npm run bench -- payouts`: a payout run at scale (issue 10, DESIGN "Payout run").
 * For each N (default 10,000 and 100,000; BENCH_PAYOUT_SIZES="1000,10000" to change) it seeds
 * N payable commission entries over N/10 creators straight into DynamoDB Local (in memory)
 * through the project's own entities, then a fresh worker process starts the local runtime on
 * that table, runs the period through the finance CLI (POST, the bus, processPayoutRun, polling)
 * and downloads both reports through the CLI (paged). It prints run time, the worker's peak
 * RSS, DynamoDB calls (and Scans) made by the worker, and report bytes.
 */
import { spawn } from 'node:child_process';
import { ensureTable } from '../lib/local/create-table.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { personalTerms } from '../test/support/payouts.js';

const period = '2027-01';

export interface PayoutBenchRow {
  readonly n: number;
  readonly runMs: number;
  readonly maxRssMb: number;
  readonly calls: number;
  readonly scans: number;
  readonly csvBytes: number;
  readonly jsonBytes: number;
}

const seed = async (n: number, tableName: string): Promise<void> => {
  process.env.TABLE_NAME = tableName;
  const { db } = await import('../functions/payouts/db.js');
  const { bucketOf } = await import('../functions/shared/buckets.js');
  const { entryBuckets } = await import('../functions/payouts/entities.js');
  const creators = Math.max(1, Math.floor(n / 10));
  const id = (i: number) => `cre_B${String(i).padStart(8, '0')}`;
  const terms = personalTerms({ displayName: 'Bench' });
  const chunk = 500;
  for (let i = 0; i < creators; i += chunk) {
    const items = Array.from({ length: Math.min(chunk, creators - i) }, (_, k) => ({ creatorId: id(i + k), version: 1, validFrom: '2026-01-01T00:00:00.000Z', terms }));
    await db().entities.creatorVersion.put(items).go();
  }
  for (let i = 0; i < n; i += chunk) {
    const items = Array.from({ length: Math.min(chunk, n - i) }, (_, k) => {
      const j = i + k;
      const creatorId = id(j % creators);
      return { entryId: `cen_B${String(j).padStart(9, '0')}`, orderId: `ord_B${j}`, creatorId, kind: 'accrual' as const, amountFen: 10_000 + (j % 997), period, bucket: bucketOf(creatorId, entryBuckets), createdAt: '2027-01-15T00:00:00.000Z' };
    });
    await db().entities.commissionEntry.put(items).go();
  }
};

const worker = (endpoint: string, tableName: string): Promise<PayoutBenchRow> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/payouts-worker.ts'], {
      env: { ...process.env, TABLE_NAME: tableName, AWS_ENDPOINT_URL_DYNAMODB: endpoint, DYNAMODB_ENDPOINT: endpoint, CLOCK_OFFSET_MS: String(Date.parse('2027-02-02T00:00:00.000Z') - Date.now()), BENCH_PERIOD: period },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`payout bench worker exited ${code}: ${last}`));
      else resolve(JSON.parse(last) as PayoutBenchRow);
    });
  });

export const payoutsBench = async (sizes: readonly number[]): Promise<PayoutBenchRow[]> => {
  const dynamo = await startDynamoDbLocal();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const rows: PayoutBenchRow[] = [];
  try {
    for (const n of sizes) {
      const tableName = `bench-payouts-${n}`;
      const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
      await ensureTable(client, tableName);
      client.destroy();
      await seed(n, tableName);
      rows.push({ ...(await worker(dynamo.endpoint, tableName)), n });
    }
  } finally {
    await dynamo.stop();
  }
  return rows;
};
