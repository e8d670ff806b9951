import { issueApiKey } from '../../functions/shared/api-keys.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../lib/local/runtime.js';
import { dynamoEndpoint, uniqueTableName } from './tables.js';

/** The local runtime in-process on a fresh table of the shared DynamoDB Local, with fast local retries. */
export const startTestRuntime = async (
  prefix: string,
  overrides: Partial<RuntimeOptions> = {},
): Promise<{ runtime: Runtime; adminKey: string; tableName: string }> => {
  const adminKey = issueApiKey().apiKey;
  const tableName = uniqueTableName(prefix);
  const runtime = await startRuntime({
    dynamoEndpoint: dynamoEndpoint(),
    tableName,
    port: 0,
    secrets: { adminApiKey: adminKey, cursorKey: `${prefix}-cursor-key`, stripeSecretKey: 'sk_test_standin', stripeWebhookSecret: 'whsec_dGVzdC13ZWJob29rLXNlY3JldA==' },
    retryBaseMs: 2,
    pollIntervalMs: 20,
    logLevel: 'SILENT',
    ...overrides,
  });
  return { runtime, adminKey, tableName };
};
