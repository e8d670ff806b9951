/**
 * Two revocations of one key at once: the one that loses its transaction answers with the key
 * as revoked, read from the key item itself (strongly consistent), never a 500 from a stale
 * read of the id index.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { apiKeyItem, revokeKey, type ApiKeyRecord } from '../../../functions/platform/api-key-store.js';
import { apiKeyItemKey } from '../../../functions/shared/auth.js';
import { documentClient } from '../../../functions/shared/clients/dynamodb.js';

const key: ApiKeyRecord = {
  keyHash: 'a1b2',
  keyId: 'key_1',
  role: 'merchant',
  tenantId: 'mer_1',
  owner: 'mer_1',
  keyPreview: 'x1y2',
  createdBy: 'root',
  createdAt: '2026-11-20T08:15:30.000Z',
};

describe('revoking a key that another request is revoking', () => {
  const ddb = mockClient(documentClient);

  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });
  afterEach(() => ddb.reset());

  it('answers with the key as the winner revoked it, read consistently from the key item', async () => {
    // The id index still shows the key unrevoked; the key item already carries the other revocation.
    ddb.on(QueryCommand).resolves({ Items: [apiKeyItem(key)] });
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }));
    ddb.on(GetCommand).resolves({ Item: apiKeyItem({ ...key, revokedAt: '2026-11-21T00:00:00.000Z' }) });
    const revoked = await revokeKey('key_1', { correlationId: 'c' });
    expect(revoked.revokedAt).toBe('2026-11-21T00:00:00.000Z');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: 'T', Key: apiKeyItemKey('a1b2'), ConsistentRead: true });
  });
});
