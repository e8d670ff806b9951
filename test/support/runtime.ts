import { issueApiKey } from '../../functions/shared/api-keys.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../lib/local/runtime.js';
import { startStripeStandIn, type StripeStandIn } from '../../lib/local/stripe-standin.js';
import { dynamoEndpoint, uniqueTableName } from './tables.js';

export const testStripeKey = 'sk_test_standin_integration';
export const testWebhookSecret = 'whsec_dGVzdC13ZWJob29rLXNlY3JldA==';

/** The local runtime in-process on a fresh table of the shared DynamoDB Local, with fast local retries. */
export const startTestRuntime = async (
  prefix: string,
  overrides: Partial<RuntimeOptions> = {},
): Promise<{ runtime: Runtime; adminKey: string; tableName: string; stripe: StripeStandIn; stop(): Promise<void> }> => {
  const adminKey = issueApiKey().apiKey;
  const tableName = uniqueTableName(prefix);
  const stripe = await startStripeStandIn();
  let runtime: Runtime;
  try {
    runtime = await startRuntime({
      dynamoEndpoint: dynamoEndpoint(),
      tableName,
      port: 0,
      secrets: { adminApiKey: adminKey, cursorKey: `${prefix}-cursor-key`, stripeSecretKey: testStripeKey, stripeWebhookSecret: testWebhookSecret, partnerSecretsKey: `${prefix}-partner-secrets-key` },
      retryBaseMs: 2,
      pollIntervalMs: 20,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT',
      stripeApiBase: stripe.url,
      ...overrides,
    });
  } catch (error) {
    await stripe.stop();
    throw error;
  }
  return {
    runtime,
    adminKey,
    tableName,
    stripe,
    stop: async () => {
      await runtime.stop();
      await stripe.stop();
    },
  };
};
