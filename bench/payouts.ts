/**
 * `npm run bench -- payouts`: a payout run at scale (issues 10 and 12, DESIGN "Payout run").
 * Two scenarios, each size on a fresh in-memory DynamoDB Local:
 * - creators: N payable commission entries over N/10 creators; the run, then its report as
 *   CSV and JSON through the finance CLI (paged, decision 0024);
 * - merchants: N delivered orders over N/10 merchants (the settlement half of the same run,
 *   decision 0039); the run, then the run's merchant statements as CSV and JSON.
 * The run is a monthly one: the previous month was run, so it reads one period (not the
 * first run's 36). Seeding (bench/seed.ts, not timed) goes straight to DynamoDB Local with
 * the table's stream switched off: on AWS those writes were streamed and handled long before
 * the run, so the runtime starts on a stream that holds only what the run itself writes.
 * The runtime runs in its own process (bench/payouts-worker.ts) and the finance CLI in one
 * process per command, as `npm start` and `npm run finance` do; each reports its peak RSS.
 * Every DynamoDB call of the runtime goes through a counting proxy (bench/dynamo-proxy.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../lib/local/create-table.js';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { tableDefinition } from '../lib/table.js';
import { countingProxy } from './dynamo-proxy.js';
import { batchWrite, creatorPayoutItems, merchantSettlementItems, previousMonthRun } from './seed.js';

export type PayoutBenchKind = 'creators' | 'merchants';

export interface PayoutBenchRow {
  readonly kind: PayoutBenchKind;
  readonly n: number;
  readonly seedS: number;
  /** `payout-run` from start to completion, as finance sees it (the CLI polls every second). */
  readonly runS: number;
  /** The run's own record of it: createdAt to completedAt (the business clock runs at real speed). */
  readonly inRunS: number;
  /** Both reports, downloaded one after the other. */
  readonly reportS: number;
  readonly runtimeRssMb: number;
  /** The largest of the CLI (and download) processes. */
  readonly cliRssMb: number;
  /** DynamoDB calls by the runtime while the run and reports were measured, by operation. */
  readonly calls: Record<string, number>;
  /** Seconds DynamoDB Local took to answer them, by operation. */
  readonly dynamoSeconds: Record<string, number>;
  readonly tableCalls: number;
  readonly streamCalls: number;
  readonly scans: number;
  readonly csvBytes: number;
  readonly jsonBytes: number;
  /** The machine's 1-minute load average, sampled every 10 s while the run and reports were measured: mean. */
  readonly load: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const period = '2027-01';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const mb = (kb: number) => Math.round(kb / 1024);

interface Measured {
  readonly ms: number;
  readonly maxRssKb: number;
  /** The last 4,000 characters the process wrote on stdout. */
  readonly stdout: string;
}

/** Runs a node process of the repository with the peak-RSS preload; rejects with its stderr tail on failure. */
const measured = async (dir: string, args: readonly string[], env: Record<string, string>): Promise<Measured> => {
  const rssFile = join(dir, `rss-${Math.random().toString(36).slice(2)}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/max-rss.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env, BENCH_MAX_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => {
    stdout = (stdout + data.toString('utf8')).slice(-4_000);
  });
  child.stderr.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString('utf8')).slice(-4_000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}:\n${stderr}`);
  return { ms, maxRssKb: Number(await readFile(rssFile, 'utf8')), stdout };
};

/** createdAt to completedAt of the run the payout-run command printed (JSON on stdout). */
const inRunSeconds = (stdout: string): number => {
  const run = JSON.parse(stdout) as { createdAt: string; completedAt: string };
  return (Date.parse(run.completedAt) - Date.parse(run.createdAt)) / 1000;
};

interface Worker {
  readonly url: string;
  readonly financeKey: string;
  /** Ends the runtime process; resolves to its peak RSS (KiB). */
  stop(): Promise<number>;
}

const startWorker = (endpoint: string, tableName: string): Promise<Worker> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/payouts-worker.ts'], {
      cwd: root,
      env: {
        ...process.env,
        TABLE_NAME: tableName,
        BENCH_DYNAMODB_ENDPOINT: endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: endpoint,
        CLOCK_OFFSET_MS: String(Date.parse('2027-02-02T00:00:00.000Z') - Date.now()),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    let rss: ((kb: number) => void) | undefined;
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`payout bench runtime exited ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as { url?: string; financeKey?: string; maxRssKb?: number };
      if (message.maxRssKb !== undefined) rss?.(message.maxRssKb);
      else if (message.url && message.financeKey) {
        const { url, financeKey } = message;
        resolve({
          url,
          financeKey,
          stop: async () => {
            const maxRssKb = new Promise<number>((done) => {
              rss = done;
            });
            child.stdin.end();
            const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 60_000);
            const [kb] = await Promise.all([maxRssKb, exited]);
            clearTimeout(timer);
            return kb;
          },
        });
      }
    });
  });

/** Creates the table, seeds it with its stream switched off, and switches the stream back on. */
const seed = async (endpoint: string, tableName: string, kind: PayoutBenchKind, n: number): Promise<number> => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    await ensureTable(client, tableName);
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }));
    process.env.TABLE_NAME = tableName;
    const items = kind === 'creators' ? creatorPayoutItems(n, period) : merchantSettlementItems(n, period);
    const written = await batchWrite(documents, tableName, [...previousMonthRun(period), ...items]);
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType } }));
    return written;
  } finally {
    documents.destroy();
    client.destroy();
  }
};

const measure = async (endpoint: string, kind: PayoutBenchKind, n: number): Promise<PayoutBenchRow> => {
  const tableName = `bench-${kind}-${n}`;
  const seedStarted = performance.now();
  await seed(endpoint, tableName, kind, n);
  const seedS = (performance.now() - seedStarted) / 1000;
  const proxy = await countingProxy(endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'payout-bench-'));
  let worker: Worker | undefined;
  try {
    worker = await startWorker(proxy.endpoint, tableName);
    const env = { API_URL: worker.url, FINANCE_API_KEY: worker.financeKey, BENCH_API_KEY: worker.financeKey };
    proxy.reset();
    const loads: number[] = [loadavg()[0] ?? 0];
    const sampler = setInterval(() => loads.push(loadavg()[0] ?? 0), 10_000).unref();
    const run = await measured(dir, ['scripts/finance.ts', 'payout-run', '--period', period, '--wait-seconds', '7200'], env);
    const reports: Measured[] = [];
    const bytes: Record<string, number> = {};
    for (const format of ['csv', 'json'] as const) {
      const out = join(dir, `report.${format}`);
      const report = kind === 'creators' ? 'payout-report' : 'merchant-statements';
      reports.push(await measured(dir, ['scripts/finance.ts', report, '--run', `run_${period}`, '--format', format, '--out', out], env));
      bytes[format] = (await stat(out)).size;
    }
    clearInterval(sampler);
    const calls = proxy.counts();
    const dynamoMs = proxy.latencies();
    const runtimeRssKb = await worker.stop();
    worker = undefined;
    const count = (pick: (operation: string) => boolean) => Object.entries(calls).reduce((t, [operation, c]) => t + (pick(operation) ? c : 0), 0);
    return {
      kind,
      n,
      seedS,
      runS: run.ms / 1000,
      inRunS: inRunSeconds(run.stdout),
      reportS: reports.reduce((t, r) => t + r.ms, 0) / 1000,
      runtimeRssMb: mb(runtimeRssKb),
      cliRssMb: mb(Math.max(run.maxRssKb, ...reports.map((r) => r.maxRssKb))),
      calls,
      dynamoSeconds: Object.fromEntries(Object.entries(dynamoMs).map(([operation, ms]) => [operation, Math.round(ms / 100) / 10])),
      tableCalls: count((operation) => !operation.startsWith('streams:')),
      streamCalls: count((operation) => operation.startsWith('streams:')),
      scans: calls.Scan ?? 0,
      csvBytes: bytes.csv ?? 0,
      jsonBytes: bytes.json ?? 0,
      load: loads.reduce((t, l) => t + l, 0) / loads.length,
    };
  } finally {
    await worker?.stop().catch(() => 0);
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
};

/**
 * Measures each kind at each size, one after the other, each on a DynamoDB Local of its own
 * (one that held an earlier, deleted table answers several times slower), printing each row
 * as it is measured.
 */
export const payoutsBench = async (kinds: readonly PayoutBenchKind[], sizes: readonly number[], onRow: (row: PayoutBenchRow) => void): Promise<PayoutBenchRow[]> => {
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const rows: PayoutBenchRow[] = [];
  for (const kind of kinds) {
    for (const n of sizes) {
      const dynamo = await startDynamoDbLocal();
      try {
        const row = await measure(dynamo.endpoint, kind, n);
        rows.push(row);
        onRow(row);
      } finally {
        await dynamo.stop();
      }
    }
  }
  return rows;
};
