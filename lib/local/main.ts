/**
 * `npm start`: the whole backend on this machine, no AWS account and no Docker.
 * DynamoDB Local (Java 17+) + the manifest's handlers behind a local HTTP API, a local
 * event bus and a stream poller. Configuration: see the table printed at start (API.md).
 */
import { resolve, join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { loadLocalSecrets } from './local-secrets.js';
import { startRuntime, type Runtime } from './runtime.js';

const env = process.env;
const port = Number(env.PORT ?? 3000);
const dataSetting = env.DATA_DIR ?? '.data';
const dataDir = dataSetting === 'memory' ? undefined : resolve(dataSetting);
const tableName = env.TABLE_NAME ?? 'xborder-local';
const returnWindowDays = env.RETURN_WINDOW_DAYS ?? '7';

const banner = (runtime: Runtime, dynamo: string, dynamoPid: number | undefined, secrets: ReturnType<typeof loadLocalSecrets>): string => {
  const adminSource = secrets.fromEnv.has('adminApiKey')
    ? 'from ADMIN_API_KEY'
    : secrets.file
      ? `kept in ${secrets.file}`
      : 'in memory only (DATA_DIR=memory): a new one each start';
  const rows: Array<[string, string, string]> = [
    ['PORT', String(port), 'HTTP port, bound to 127.0.0.1'],
    ['DATA_DIR', dataSetting, dataDir ? `DynamoDB Local files in ${join(dataDir, 'dynamodb')}` : 'in memory'],
    ['ADMIN_API_KEY', secrets.fromEnv.has('adminApiKey') ? '(set)' : '(generated)', 'the operator key'],
    ['STRIPE_SECRET_KEY', env.STRIPE_SECRET_KEY ? '(set)' : '(unset)', 'real Stripe test mode when set; offline stand-in otherwise'],
    ['STRIPE_WEBHOOK_SECRET', env.STRIPE_WEBHOOK_SECRET ? '(set)' : '(unset)', 'secret /v1/webhooks/stripe verifies against'],
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
    '',
    '  Configuration',
    ...rows.map(([name, value, meaning]) => `    ${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${meaning}`),
    '',
    '  Try:',
    `    curl -s -X POST ${runtime.url}/v1/admin/api-keys -H "Authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' -d '{"role":"finance"}'`,
    '',
    '  Ctrl-C stops everything (DynamoDB Local included).',
    '',
  ].join('\n');
};

const main = async (): Promise<void> => {
  const secrets = loadLocalSecrets(dataDir ? join(dataDir, 'local-secrets.json') : undefined);
  let dynamo: DynamoDbLocal | undefined;
  const endpoint = env.DYNAMODB_ENDPOINT || (dynamo = await startDynamoDbLocal(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {})).endpoint;
  let runtime: Runtime | undefined;
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
    await runtime?.stop();
    await dynamo?.stop();
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
    });
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
  console.log(banner(runtime, endpoint, dynamo?.pid, secrets));
};

main().catch((error: unknown) => {
  console.error('local runtime failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
