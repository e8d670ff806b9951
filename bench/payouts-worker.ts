/**
 * The runtime process of `npm run bench -- payouts` (bench/payouts.ts): the local runtime as
 * `npm start` runs it (a DATA_DIR, the stream poller, the bus), on the bench's table through
 * the counting proxy. Prints `{ url, financeKey }` once it serves; when its stdin ends it
 * prints `{ maxRssKb }` (its peak RSS) and stops. Diagnostics: BENCH_MEMORY_TRACE=1 (memory every
 * 3 s on stderr), BENCH_HEAP_SNAPSHOT=FILE (a heap snapshot before stopping).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiKey } from '../functions/shared/api-keys.js';
import { startRuntime } from '../lib/local/runtime.js';
import { startStripeStandIn } from '../lib/local/stripe-standin.js';

/** BENCH_MEMORY_TRACE=1: the runtime's memory on stderr every 3 s (MB). */
const traceMemory = () => {
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  console.error(`[memory] rss ${mb(memory.rss)} heapUsed ${mb(memory.heapUsed)} heapTotal ${mb(memory.heapTotal)} external ${mb(memory.external)} arrayBuffers ${mb(memory.arrayBuffers)}`);
};

const run = async (): Promise<void> => {
  const adminKey = issueApiKey().apiKey;
  const stateDir = await mkdtemp(join(tmpdir(), 'payout-bench-data-'));
  const stripe = await startStripeStandIn();
  const runtime = await startRuntime({
    dynamoEndpoint: process.env.BENCH_DYNAMODB_ENDPOINT ?? '',
    tableName: process.env.TABLE_NAME ?? '',
    port: 0,
    stateDir,
    secrets: { adminApiKey: adminKey, cursorKey: 'bench-cursor-key', stripeSecretKey: 'sk_test_bench', stripeWebhookSecret: 'whsec_YmVuY2g=', partnerSecretsKey: 'bench-partner-key' },
    logLevel: 'SILENT',
    stripeApiBase: stripe.url,
  });
  try {
    const created = await fetch(`${runtime.url}/v1/admin/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'finance' }) });
    const { apiKey } = (await created.json()) as { apiKey: string };
    console.log(JSON.stringify({ url: runtime.url, financeKey: apiKey }));
    if (process.env.BENCH_MEMORY_TRACE) setInterval(traceMemory, 3_000).unref();
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.on('end', resolve));
    if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  } finally {
    await runtime.stop();
    await stripe.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
};

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
