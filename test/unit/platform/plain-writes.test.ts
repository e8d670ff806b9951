/**
 * The platform context writes and reads with the document client (decision 0046): every item
 * it creates and every update it makes is what the ElectroDB entity that defines the item
 * would write, every read asks for the keys and index partitions the entity's own reads did,
 * and every item an entity writes parses with the read side's record schema.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Entity } from 'electrodb';
import { merchantItem, usccClaimItem } from '../../../functions/orders/merchant-record.js';
import { merchantEntity, usccClaimEntity } from '../../../functions/orders/entities.js';
import { partnerEntity } from '../../../functions/logistics/entities.js';
import { agencyEntity, commissionEntryEntity, creatorEntity } from '../../../functions/payouts/entities.js';
import { apiKeyItem, keyIdPartition, keyListPartition, revocationItem, rotationItem, storedApiKey, type ApiKeyRecord } from '../../../functions/platform/api-key-store.js';
import { auditEventItem, auditEventRecord, auditTrail } from '../../../functions/platform/audit-items.js';
import { getMerchant, listMerchants, merchantList, takeRateChangeItem } from '../../../functions/platform/merchants.js';
import { partnerList, partnerRecord } from '../../../functions/platform/partner-reads.js';
import { agencyList, agencyRecord, commissionEntryRecord, creatorEntries, creatorKey, creatorList, creatorRecord, listCommissionEntries } from '../../../functions/platform/payout-reads.js';
import { queryInput, type IndexPartition } from '../../../functions/platform/store.js';
import { usccClaimKey, usccClaimRecord } from '../../../functions/platform/uscc-claims.js';
import { documentClient } from '../../../functions/shared/clients/dynamodb.js';
import { apiKeyEntity, auditEventEntity } from '../../../functions/shared/db/entities.js';
import { parseStored } from '../../../functions/shared/db/stored-item.js';
import { merchantRecord } from '../../../functions/orders/merchant-record.js';
import { positionOf } from '../../../functions/shared/db/position.js';
import { itemWritten, table, updateEffect } from '../../support/plain-writes.js';

const createdAt = '2026-11-20T08:15:30.000Z';
const merchantKeyRecord: ApiKeyRecord = {
  keyHash: 'a1b2',
  keyId: 'key_1',
  role: 'merchant',
  tenantId: 'mer_1',
  owner: 'mer_1',
  keyPreview: 'xb_live_Zq9x',
  createdBy: 'key_0',
  createdAt,
};
const financeKeyRecord: ApiKeyRecord = { keyHash: 'c3d4', keyId: 'key_2', role: 'finance', owner: 'platform', keyPreview: 'xb_live_Ab12', createdBy: 'admin', createdAt };
const merchant = { merchantId: 'mer_1', name: 'Oolong Co', uscc: '91440300708461136T', contactEmail: 'ops@oolong.example', markets: ['US' as const, 'MO' as const], status: 'active' as const, createdAt, takeRateBps: 500 };

/** The key condition, order and limit of a Query, by attribute (ElectroDB's tokens and ours differ). */
const queried = (params: unknown) => {
  const p = params as { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown>; ScanIndexForward?: boolean; Limit?: number };
  const resolve = (token: string) => p.ExpressionAttributeNames[token] ?? p.ExpressionAttributeValues[token];
  const conditions = p.KeyConditionExpression.split(/\s+and\s+/i).map((part) => {
    const prefix = /^begins_with\((\S+), (\S+)\)$/.exec(part.trim());
    if (prefix) return ['begins_with', resolve(prefix[1] ?? ''), resolve(prefix[2] ?? '')];
    const [name = '', value = ''] = part.split('=').map((s) => s.trim());
    return ['=', resolve(name), resolve(value)];
  });
  return { index: p.IndexName, conditions, forward: p.ScanIndexForward ?? true, limit: p.Limit };
};
const ours = (partition: IndexPartition, limit: number) => queried(queryInput(partition, limit, null));

describe('the platform writes and reads what its entities define', () => {
  const ddb = mockClient(documentClient);

  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  afterEach(() => ddb.reset());

  it('creates keys, merchants, USCC claims and audit events as the entities do', () => {
    expect(apiKeyItem(merchantKeyRecord)).toEqual(itemWritten(apiKeyEntity.create(merchantKeyRecord).params(table)));
    expect(apiKeyItem(financeKeyRecord)).toEqual(itemWritten(apiKeyEntity.create(financeKeyRecord).params(table)));
    // With a client, ElectroDB writes a `set` attribute as a DynamoDB string set.
    const merchants = new Entity(merchantEntity.schema, { client: documentClient, table: 'T' });
    const written = itemWritten(merchants.create(merchant).params());
    expect(written.markets).toEqual(new Set(['US', 'MO']));
    expect(merchantItem(merchant)).toEqual(written);
    expect(usccClaimItem(merchant.uscc, 'mer_1')).toEqual(itemWritten(usccClaimEntity.create({ uscc: merchant.uscc, merchantId: 'mer_1' }).params(table)));
    const audit = { eventId: 'evt_1', source: 'xborder.platform', detailType: 'ApiKeyCreated', occurredAt: createdAt, correlationId: 'c', data: { keyId: 'key_1', nested: [1, { a: null }] }, recordedAt: createdAt };
    expect(auditEventItem({ ...audit, actor: { keyId: 'key_0', role: 'admin' } })).toEqual(itemWritten(auditEventEntity.create({ ...audit, actor: { keyId: 'key_0', role: 'admin' } }).params(table)));
    expect(auditEventItem({ ...audit, actor: undefined })).toEqual(itemWritten(auditEventEntity.create(audit).params(table)));
  });

  it("revokes and rotates keys as the entity's patch did, on the same conditions", () => {
    const revoke = revocationItem('a1b2', createdAt);
    const electroRevoke = apiKeyEntity
      .patch({ keyHash: 'a1b2' })
      .set({ revokedAt: createdAt })
      .where((attr, { notExists }) => notExists(attr.revokedAt))
      .params(table);
    expect(updateEffect(revoke)).toEqual(updateEffect(electroRevoke));
    expect(revoke.Update?.Key).toEqual(electroRevoke.Key);
    expect(revoke.Update?.ConditionExpression).toBe('(attribute_exists(#pk) AND attribute_exists(#sk)) AND (attribute_not_exists(#revokedAt))');
    expect(electroRevoke.ConditionExpression).toBe('attribute_exists(#pk) AND attribute_exists(#sk) AND attribute_not_exists(#revokedAt)');

    const rotate = rotationItem('a1b2', createdAt, 'key_3');
    const electroRotate = apiKeyEntity
      .patch({ keyHash: 'a1b2' })
      .set({ expiresAt: createdAt, replacedBy: 'key_3' })
      .where((attr, { notExists }) => `${notExists(attr.expiresAt)} AND ${notExists(attr.revokedAt)}`)
      .params(table);
    expect(updateEffect(rotate)).toEqual(updateEffect(electroRotate));
    expect(rotate.Update?.Key).toEqual(electroRotate.Key);
    expect(rotate.Update?.ConditionExpression).toBe('(attribute_exists(#pk) AND attribute_exists(#sk)) AND (attribute_not_exists(#expiresAt) AND attribute_not_exists(#revokedAt))');
    expect(rotate.Update?.ExpressionAttributeNames).toMatchObject({ '#expiresAt': 'expiresAt', '#revokedAt': 'revokedAt' });
  });

  it("changes a merchant's take rate as the entity's patch did, on the version read", () => {
    const changed = takeRateChangeItem({ merchantId: 'mer_1', version: 3 }, 300, createdAt);
    const electro = merchantEntity
      .patch({ merchantId: 'mer_1' })
      .set({ takeRateBps: 300, updatedAt: createdAt, version: 4 })
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(changed)).toEqual(updateEffect(electro));
    expect(changed.Update?.Key).toEqual(electro.Key);
    expect(changed.Update?.ConditionExpression).toBe('(attribute_exists(#pk) AND attribute_exists(#sk)) AND (#version = :version)');
    expect(changed.Update?.ExpressionAttributeValues?.[':version']).toBe(3);

    const first = takeRateChangeItem({ merchantId: 'mer_1', version: undefined }, 300, createdAt);
    const electroFirst = merchantEntity
      .patch({ merchantId: 'mer_1' })
      .set({ takeRateBps: 300, updatedAt: createdAt, version: 1 })
      .where(({ version }, { notExists }) => notExists(version))
      .params(table);
    expect(updateEffect(first)).toEqual(updateEffect(electroFirst));
    expect(first.Update?.ConditionExpression).toBe('(attribute_exists(#pk) AND attribute_exists(#sk)) AND (attribute_not_exists(#version))');
  });

  it('reads the keys and index partitions the entities read', () => {
    expect(usccClaimEntity.get({ uscc: 'U' }).params(table)).toMatchObject({ Key: usccClaimKey('U') });
    expect(creatorEntity.get({ creatorId: 'cre_1' }).params(table)).toMatchObject({ Key: creatorKey('cre_1') });
    expect(ours(keyIdPartition('key_1'), 1)).toEqual(queried(apiKeyEntity.query.byId({ keyId: 'key_1' }).params({ ...table, limit: 1 })));
    expect(ours(keyListPartition(), 20)).toEqual(queried(apiKeyEntity.query.list({}).params({ ...table, limit: 20 })));
    expect(ours(keyListPartition('finance'), 20)).toEqual(queried(apiKeyEntity.query.list({ role: 'finance' }).params({ ...table, limit: 20 })));
    expect(ours(keyListPartition('merchant', 'mer_1'), 20)).toEqual(queried(apiKeyEntity.query.list({ role: 'merchant', owner: 'mer_1' }).params({ ...table, limit: 20 })));
    expect(ours(keyListPartition('merchant', 'mer_1'), 20).conditions[1]).toEqual(['begins_with', 'gsi1sk', 'merchant#mer_1#']);
    const desc = { ...table, order: 'desc' as const, limit: 20 };
    expect(ours(merchantList, 20)).toEqual(queried(merchantEntity.query.list({}).params(desc)));
    expect(ours(auditTrail, 20)).toEqual(queried(auditEventEntity.query.byTime({}).params(desc)));
    expect(ours(partnerList, 20)).toEqual(queried(partnerEntity.query.list({}).params({ ...table, limit: 20 })));
    expect(ours(agencyList, 20)).toEqual(queried(agencyEntity.query.list({}).params(desc)));
    expect(ours(creatorList, 20)).toEqual(queried(creatorEntity.query.list({}).params(desc)));
    expect(ours(creatorEntries('cre_1'), 20)).toEqual(queried(commissionEntryEntity.query.byCreator({ creatorId: 'cre_1' }).params(desc)));
    expect(queryInput(merchantList, 5, positionOf({ pk: 'MERCHANT#mer_1', sk: 'MERCHANT', gsi1pk: 'MERCHANTS', gsi1sk: `${createdAt}#mer_1` })).ExclusiveStartKey).toEqual({
      pk: 'MERCHANT#mer_1',
      sk: 'MERCHANT',
      gsi1pk: 'MERCHANTS',
      gsi1sk: `${createdAt}#mer_1`,
    });
  });

  it('parses every item the entities write with the read side schemas', () => {
    const parses = (schema: Parameters<typeof parseStored>[0], item: Record<string, unknown>) => parseStored(schema, item, 'item');
    expect(parses(storedApiKey, itemWritten(apiKeyEntity.create(merchantKeyRecord).params(table)))).toEqual(merchantKeyRecord);
    expect(parses(storedApiKey, itemWritten(apiKeyEntity.create(financeKeyRecord).params(table)))).toEqual(financeKeyRecord);
    const merchants = new Entity(merchantEntity.schema, { client: documentClient, table: 'T' });
    expect(parses(merchantRecord, itemWritten(merchants.create(merchant).params()))).toEqual({ ...merchant, updatedAt: undefined, version: undefined });
    expect(parses(usccClaimRecord, itemWritten(usccClaimEntity.create({ uscc: 'U', merchantId: 'mer_1' }).params(table)))).toEqual({ uscc: 'U', merchantId: 'mer_1' });
    const audit = { eventId: 'evt_1', source: 's', detailType: 'd', occurredAt: createdAt, correlationId: 'c', data: { a: 1 }, recordedAt: createdAt, actor: { keyId: 'key_0', role: 'admin' } };
    expect(parses(auditEventRecord, itemWritten(auditEventEntity.create(audit).params(table)))).toEqual(audit);
    const partner = { code: 'SF', name: 'SF Express', secrets: [{ id: 'whs_1', sealed: 'x', createdAt }], createdAt, version: 1 };
    expect(parses(partnerRecord, itemWritten(partnerEntity.create(partner).params(table)))).toEqual(partner);
    const agency = { agencyId: 'agy_1', name: 'MCN', country: 'CN', feeBps: 1000, createdAt };
    expect(parses(agencyRecord, itemWritten(agencyEntity.create(agency).params(table)))).toEqual(agency);
    const creator = { creatorId: 'cre_1', terms: { displayName: 'Li' }, version: 2, createdAt, updatedAt: createdAt };
    expect(parses(creatorRecord, itemWritten(creatorEntity.create(creator).params(table)))).toEqual(creator);
    const entry = { entryId: 'ent_1', orderId: 'ord_1', creatorId: 'cre_1', kind: 'reversal' as const, amountFen: -120, period: '2026-11', bucket: 3, createdAt };
    expect(parses(commissionEntryRecord, itemWritten(commissionEntryEntity.create(entry).params(table)))).toEqual(entry);
  });

  it("keeps only the entity's items, of its model version, as ElectroDB did, and passes the store position on", async () => {
    const entry = (entryId: string, version: string) => ({
      ...itemWritten(commissionEntryEntity.create({ entryId, orderId: 'ord_1', creatorId: 'cre_1', kind: 'accrual', amountFen: 50, period: '2026-11', bucket: 0, createdAt }).params(table)),
      __edb_v__: version,
    });
    const last = { pk: 'p', sk: 's', gsi2pk: 'CREATOR#cre_1#ENTRIES', gsi2sk: 'x' };
    ddb.on(QueryCommand).resolves({ Items: [entry('ent_1', '2'), entry('ent_2', '1'), { ...entry('ent_3', '2'), __edb_e__: 'commission' }], LastEvaluatedKey: last });
    const page = await listCommissionEntries('cre_1', 3, null);
    expect(page.data.map((e) => e.entryId)).toEqual(['ent_1']);
    expect(page.cursor).toBe(positionOf(last));
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ IndexName: 'gsi2', Limit: 3, ScanIndexForward: false });

    ddb.on(QueryCommand).resolves({ Items: [] });
    expect(await listMerchants(5, null)).toEqual({ data: [], cursor: null });
  });

  it('reads a merchant consistently only where asked, and not an item of another entity', async () => {
    const merchants = new Entity(merchantEntity.schema, { client: documentClient, table: 'T' });
    ddb.on(GetCommand).resolves({ Item: itemWritten(merchants.create(merchant).params()) });
    expect(await getMerchant('mer_1', true)).toMatchObject({ merchantId: 'mer_1', markets: ['US', 'MO'] });
    expect(await getMerchant('mer_1')).toBeDefined();
    const calls = ddb.commandCalls(GetCommand).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({ Key: { pk: 'MERCHANT#mer_1', sk: 'MERCHANT' }, ConsistentRead: true });
    expect(calls[1]?.ConsistentRead).toBeUndefined();
    ddb.on(GetCommand).resolves({ Item: { ...itemWritten(merchants.create(merchant).params()), __edb_e__: 'product' } });
    expect(await getMerchant('mer_1')).toBeUndefined();
  });
});
