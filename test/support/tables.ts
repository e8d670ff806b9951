import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lib/local/create-table.js';

export const dynamoEndpoint = (): string => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run connected tests through jest (global setup)');
  return endpoint;
};

export const uniqueTableName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

export const localClient = (): DynamoDBClient =>
  new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** A fresh table (same definition as production) that the handlers under test will use. */
export const freshTable = async (prefix: string): Promise<string> => {
  const tableName = uniqueTableName(prefix);
  const client = localClient();
  await ensureTable(client, tableName);
  client.destroy();
  process.env.TABLE_NAME = tableName;
  return tableName;
};
