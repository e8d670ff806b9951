/** The worker of `npm run bench -- payouts` (bench/payouts.ts): one run and both reports, measured. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiKey } from '../functions/shared/api-keys.js';
import { documentClient } from '../functions/shared/clients/dynamodb.js';
import { startRuntime } from '../lib/local/runtime.js';
import { startStripeStandIn } from '../lib/local/stripe-standin.js';
import { main, processIo } from '../scripts/finance.js';

const calls = { all: 0, scans: 0 };
documentClient.middlewareStack.add(
  (next, context) => async (args) => {
    calls.all += 1;
    if (context.commandName === 'ScanCommand') calls.scans += 1;
    return next(args);
  },
  { step: 'initialize', name: 'benchCallCounter' },
);

const quiet = { write: () => true, isTTY: false };

const run = async (): Promise<void> => {
  const tableName = process.env.TABLE_NAME ?? '';
  const period = process.env.BENCH_PERIOD ?? '';
  const adminKey = issueApiKey().apiKey;
  const stripe = await startStripeStandIn();
  const runtime = await startRuntime({
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '',
    tableName,
    port: 0,
    secrets: { adminApiKey: adminKey, cursorKey: 'bench-cursor-key', stripeSecretKey: 'sk_test_bench', stripeWebhookSecret: 'whsec_YmVuY2g=', partnerSecretsKey: 'bench-partner-key' },
    logLevel: 'SILENT',
    stripeApiBase: stripe.url,
  });
  const dir = await mkdtemp(join(tmpdir(), 'payout-bench-'));
  try {
    const created = await fetch(`${runtime.url}/v1/admin/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'finance' }) });
    const { apiKey } = (await created.json()) as { apiKey: string };
    const io = { ...processIo(), stdout: quiet, stderr: quiet, env: { API_URL: runtime.url, FINANCE_API_KEY: apiKey } };
    const started = Date.now();
    if ((await main(['payout-run', '--period', period, '--wait-seconds', '3600'], io)) !== 0) throw new Error('payout-run failed');
    const runMs = Date.now() - started;
    const bytes: Record<string, number> = {};
    for (const format of ['csv', 'json']) {
      const out = join(dir, `report.${format}`);
      if ((await main(['payout-report', '--run', `run_${period}`, '--format', format, '--out', out], io)) !== 0) throw new Error(`payout-report ${format} failed`);
      bytes[format] = (await stat(out)).size;
    }
    const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify({ runMs, maxRssMb, calls: calls.all, scans: calls.scans, csvBytes: bytes.csv ?? 0, jsonBytes: bytes.json ?? 0 }));
  } finally {
    await rm(dir, { recursive: true, force: true });
    await runtime.stop();
    await stripe.stop();
  }
};

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
