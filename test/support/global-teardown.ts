import type { DynamoDbLocal } from '../../lib/local/dynamodb-local.js';

/** Always stops the DynamoDB Local started by global setup (by its own process group). */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __dynamo?: DynamoDbLocal }).__dynamo?.stop();
}
