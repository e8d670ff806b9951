/**
 * `npm start`: the whole backend on this machine, no AWS account and no Docker.
 * DynamoDB Local (Java 17+) + the manifest's handlers behind a local HTTP API, a local
 * event bus and a stream poller. Configuration: see the table printed at start (API.md).
 */
import { writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { startStripeStandIn, type StripeStandIn } from './stripe-standin.js';
import { loadLocalSecrets } from './local-secrets.js';
import { startRuntime, type Runtime } from './runtime.js';
import { announceRuntime } from './discovery.js';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const dataSetting = env.DATA_DIR ?? '.data';
const dataDir = dataSetting === 'memory' ? undefined : resolve(dataSetting);
const tableName = env.TABLE_NAME ?? 'xborder-local';
const returnWindowDays = env.RETURN_WINDOW_DAYS ?? '7';

const banner = (
  runtime: Runtime,
  dynamo: string,
  dynamoPid: number | undefined,
  secrets: ReturnType<typeof loadLocalSecrets>,
  standIn: StripeStandIn | undefined,
): string => {
  const adminSource = secrets.fromEnv.has('adminApiKey')
    ? 'from ADMIN_API_KEY'
    : secrets.file
      ? `kept in ${secrets.file}`
      : 'in memory only (DATA_DIR=memory): a new one each start';
  const rows: Array<[string, string, string]> = [
    ['PORT', String(port), 'HTTP port, bound to 127.0.0.1'],
    ['DATA_DIR', dataSetting, dataDir ? `DynamoDB Local files in ${join(dataDir, 'dynamodb')}` : 'in memory'],
    ['ADMIN_API_KEY', secrets.fromEnv.has('adminApiKey') ? '(set)' : '(generated)', 'the operator key'],
    ['STRIPE_SECRET_KEY', standIn ? '(unset)' : '(set)', standIn ? `offline Stripe stand-in at ${standIn.url}` : 'real Stripe (test mode)'],
    [
      'STRIPE_WEBHOOK_SECRET',
      secrets.fromEnv.has('stripeWebhookSecret') ? '(set)' : '(generated)',
      secrets.fromEnv.has('stripeWebhookSecret') ? 'secret /v1/webhooks/stripe verifies against' : secrets.values.stripeWebhookSecret,
    ],
    ['RETURN_WINDOW_DAYS', returnWindowDays, 'days after delivery before a commission becomes payable'],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const valueWidth = Math.max(...rows.map((r) => r[1].length));
  return [
    '',
    '  xborder commerce backend — local runtime',
    '',
    `  API          ${runtime.url}`,
    `  Health       ${runtime.url}/health`,
    `  Admin key    ${secrets.values.adminApiKey}`,
    `               (${adminSource})`,
    `  DynamoDB     ${dynamo} (table ${tableName}${dynamoPid ? `, DynamoDB Local pid ${dynamoPid}` : ''})`,
    `  Operator     ${runtime.url}/local/: GET dead-letters · GET events · GET schedules · POST schedules/{name}  (npm run local -- help)`,
    `  Docs         ${runtime.url}/docs (API reference, Swagger UI)`,
    `  Console      ${runtime.url}/console`,
    `  Local clock  ${new Date(Date.now() + (Number(process.env.CLOCK_OFFSET_MS ?? 0) || 0)).toISOString()}  (business time; ${runtime.url}/local/clock, npm run local -- clock)`,
    '  Demo         npm run demo   (the whole journey, each step with where to look)',
    '',
    '  Configuration',
    ...rows.map(([name, value, meaning]) => `    ${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${meaning}`),
    '',
    '  Try:',
    `    curl -s -X POST ${runtime.url}/v1/admin/api-keys -H "Authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' -d '{"role":"finance"}'`,
    '    npm run stripe:pay -- <orderId>      (pays an order through Stripe and its signed webhook)',
    '',
    '  Ctrl-C stops everything (DynamoDB Local included).',
    '',
  ].join('\n');
};

const main = async (): Promise<void> => {
  const secrets = loadLocalSecrets(dataDir ? join(dataDir, 'local-secrets.json') : undefined);
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = env.DYNAMODB_ENDPOINT || (dynamo = await startDynamoDbLocal(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {})).endpoint;
  // Real Stripe (test mode) only when the key comes from the environment; otherwise the offline stand-in.
  // Its objects, events and pending webhook deliveries are kept in DATA_DIR (memory mode: in memory).
  const standIn = secrets.fromEnv.has('stripeSecretKey')
    ? undefined
    : await startStripeStandIn(dataDir ? { stateFile: join(dataDir, 'stripe-standin-state.json') } : {});
  if (standIn && dataDir) writeFileSync(join(dataDir, 'stripe-standin.json'), `${JSON.stringify({ url: standIn.url })}\n`);
  let runtime: Runtime | undefined;
  const discovery: { forget?: () => void } = {};
  let stoppingSince: number | undefined;
  const shutdown = async (signal: string): Promise<void> => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches npm, tsx and this process at once: a repeat within 2 s is the same keypress.
      if (Date.now() - stoppingSince < 2_000) return;
      console.error(`\n${signal} again: exiting now`);
      dynamo?.killNow();
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping…`);
    discovery.forget?.();
    try {
      await runtime?.stop();
      await standIn?.stop();
    } finally {
      await dynamo?.stop();
    }
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    runtime = await startRuntime({
      dynamoEndpoint: endpoint,
      tableName,
      secrets: secrets.values,
      port,
      ...(dataDir ? { stateDir: dataDir } : {}),
      ...(standIn ? { stripeApiBase: standIn.url } : {}),
      minuteScheduleMs: 60_000,
    });
  } catch (error) {
    await standIn?.stop();
    await dynamo?.stop();
    throw error;
  }
  // The stand-in delivers its events (payments, refunds) to the runtime's webhook, signed, with retries.
  standIn?.setWebhookEndpoint({ url: `${runtime.url}/v1/webhooks/stripe`, secret: secrets.values.stripeWebhookSecret });
  discovery.forget = announceRuntime({
    pid: process.pid,
    apiUrl: runtime.url,
    dataDir: dataDir ?? 'memory',
    startedAt: new Date().toISOString(),
    ...(standIn ? { stripe: { url: standIn.url, secretKey: secrets.values.stripeSecretKey } } : {}),
  });
  console.log(banner(runtime, endpoint, dynamo?.pid, secrets, standIn));
};

main().catch((error: unknown) => {
  console.error('local runtime failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
