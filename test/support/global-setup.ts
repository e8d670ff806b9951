import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.js';

/** One in-memory DynamoDB Local for the whole connected run; tests each use their own table. */
export default async function globalSetup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  (globalThis as { __dynamo?: typeof dynamo }).__dynamo = dynamo;
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
}
