// One in-memory DynamoDB Local for the whole connected run; each test file uses its own table.
// Jest loads global setup outside its module system, so the TypeScript launcher is loaded through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startDynamoDbLocal } = await tsImport('../../lib/local/dynamodb-local.ts', import.meta.url);
  const dynamo = await startDynamoDbLocal();
  globalThis.__dynamo = dynamo;
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
}
