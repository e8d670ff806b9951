import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { clearAuthCache } from '../../functions/shared/auth.js';

/**
 * Jest hooks for handler tests through the HTTP adapter: a mocked DynamoDB document client,
 * the table name and the admin key set, the mock and the key cache reset after each test.
 */
export const adapterTestEnv = (adminKey: string) => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeAll(() => {
    process.env.TABLE_NAME = 'unit-table';
    process.env.ADMIN_API_KEY = adminKey;
  });
  afterEach(() => {
    ddb.reset();
    clearAuthCache();
  });
  return ddb;
};
