/**
 * The notifications context writes and reads with the document client (decision 0046): every
 * item it creates, every update and delete it makes, and every key and Query it reads by is
 * what the ElectroDB entity that defines the item would write or read, so items written before
 * and after the move read the same, and cursors already issued keep working.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { shipmentEntity } from '../../../functions/logistics/entities.js';
import { merchantWebhookDeliveryEntity, webhookEndpointCountEntity, webhookEndpointEntity } from '../../../functions/notifications/entities.js';
import { deliveryPage, dueDeliveries, readDelivery } from '../../../functions/notifications/delivery-read.js';
import { allEndpoints, endpointPage, readEndpoint, readEndpointCount } from '../../../functions/notifications/endpoint-read.js';
import { merchantOfShipment, shipmentKey } from '../../../functions/notifications/shipment-merchant.js';
import {
  countDown,
  countUp,
  deliveryItem,
  deliveryKey,
  deliveryUpdate,
  endpointChange,
  endpointCountItem,
  endpointCountKey,
  endpointDelete,
  endpointDisabled,
  endpointItem,
  endpointKey,
  failureStreakEnded,
  failureStreakStarted,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from '../../../functions/notifications/webhook-items.js';
import { documentClient } from '../../../functions/shared/clients/dynamodb.js';
import { StoredItemError } from '../../../functions/shared/db/stored-item.js';
import { createItem, type TransactItem } from '../../../functions/shared/db/write.js';
import { itemWritten, resolvedCondition, table, updateEffect } from '../../support/plain-writes.js';

const createdAt = '2026-11-20T08:15:30.000Z';
const later = '2026-11-21T00:00:00.000Z';

const endpoint: WebhookEndpointRecord = {
  merchantId: 'mer_1',
  endpointId: 'we_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
  url: 'https://hooks.example.com/x',
  events: ['order.paid', 'order.shipped'],
  status: 'enabled',
  secrets: [{ sealed: 'sealed-1', createdAt }],
  createdAt,
  updatedAt: createdAt,
  version: 3,
};
const key = { merchantId: endpoint.merchantId, endpointId: endpoint.endpointId };

const delivery: WebhookDeliveryRecord = {
  deliveryId: 'msg_0123456789abcdef0123456789abcdef',
  endpointId: endpoint.endpointId,
  merchantId: 'mer_1',
  eventId: 'evt_1',
  type: 'order.paid',
  payload: '{"id":"evt_1"}',
  status: 'pending',
  attempts: 2,
  nextAttemptAt: createdAt,
  windowStartedAt: createdAt,
  retryFrom: 0,
  bucket: 5,
  createdAt,
  version: 4,
};

const conditionOf = (params: unknown): string => resolvedCondition(params);

const updateOf = (item: TransactItem) => {
  if (!item.Update) throw new Error('not an update');
  return item.Update;
};

describe('notifications write what their entities define', () => {
  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  it('creates endpoints, endpoint counters and deliveries as the entities do (the due index only while pending)', () => {
    const created = createItem(endpointItem(endpoint));
    const electro = webhookEndpointEntity.create(endpoint).params(table);
    expect(created.Put?.Item).toEqual(itemWritten(electro));
    expect(conditionOf(created)).toBe(conditionOf(electro));
    const disabled = { ...endpoint, status: 'disabled' as const, disabledReason: 'merchant', failingSince: createdAt };
    expect(endpointItem(disabled)).toEqual(itemWritten(webhookEndpointEntity.create(disabled).params(table)));

    expect(endpointCountItem('mer_1', 7)).toEqual(itemWritten(webhookEndpointCountEntity.create({ merchantId: 'mer_1', endpoints: 7 }).params(table)));

    expect(deliveryItem(delivery)).toEqual(itemWritten(merchantWebhookDeliveryEntity.create(delivery).params(table)));
    expect(deliveryItem(delivery)).toMatchObject({ gsi2pk: 'WHDUE#5', gsi2sk: `${createdAt}#${delivery.deliveryId}` });
    const failed = { ...delivery, status: 'failed' as const, lastResponseCode: 500, lastError: 'timeout', lastAttemptAt: later };
    expect(deliveryItem(failed)).toEqual(itemWritten(merchantWebhookDeliveryEntity.create(failed).params(table)));
    expect(deliveryItem(failed)).not.toHaveProperty('gsi2pk');
  });

  it("counts endpoints in and out as the counter entity's patches did", () => {
    const up = countUp('mer_1');
    const electroUp = webhookEndpointCountEntity
      .patch({ merchantId: 'mer_1' })
      .add({ endpoints: 1 })
      .where(({ endpoints }, { lt }) => lt(endpoints, 16))
      .params(table);
    expect(updateEffect(up)).toEqual(updateEffect(electroUp));
    expect(updateOf(up).Key).toEqual(electroUp.Key);
    expect(conditionOf(up)).toBe(conditionOf(electroUp));
    expect(conditionOf(up)).toBe('attribute_exists pk AND attribute_exists sk AND endpoints < 16');

    // The entity's subtract is SET endpoints = if_not_exists(endpoints, 0) - 1; ADD -1 stores the same.
    const down = countDown('mer_1');
    const electroDown = webhookEndpointCountEntity.patch({ merchantId: 'mer_1' }).subtract({ endpoints: 1 }).params(table);
    expect(electroDown.UpdateExpression).toContain('#endpoints = (if_not_exists(#endpoints, :endpoints_default_value_u0) - :endpoints_u0)');
    expect(electroDown.ExpressionAttributeValues).toMatchObject({ ':endpoints_default_value_u0': 0, ':endpoints_u0': 1 });
    const { endpoints: _subtracted, ...electroSet } = updateEffect(electroDown).set;
    expect(updateEffect(down)).toEqual({ set: electroSet, setIfAbsent: {}, add: { endpoints: -1 }, remove: [] });
    expect(updateOf(down).Key).toEqual(electroDown.Key);
    expect(conditionOf(down)).toBe(conditionOf(electroDown));
  });

  it("changes, disables and deletes endpoints as the entity's patch and delete did, at the version read", () => {
    const set = { url: 'https://hooks.example.com/y', events: ['order.paid'], status: 'enabled' as const, updatedAt: later };
    const change = endpointChange(key, set, ['disabledReason', 'failingSince'], 3);
    const electro = webhookEndpointEntity
      .patch(key)
      .set({ ...set, version: 4 })
      .remove(['disabledReason', 'failingSince'])
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(change)).toEqual(updateEffect(electro));
    expect(updateOf(change).Key).toEqual(electro.Key);
    expect(conditionOf(change)).toBe(conditionOf(electro));

    const secrets = [{ sealed: 'sealed-1', createdAt, expiresAt: later }, { sealed: 'sealed-2', createdAt: later }];
    const rolled = endpointChange(key, { secrets, updatedAt: later }, [], 3);
    const electroRolled = webhookEndpointEntity.patch(key).set({ secrets, updatedAt: later, version: 4 }).where(({ version }, { eq }) => eq(version, 3)).params(table);
    expect(updateEffect(rolled)).toEqual(updateEffect(electroRolled));
    expect(conditionOf(rolled)).toBe(conditionOf(electroRolled));

    const byMerchant = endpointChange(key, { status: 'disabled', disabledReason: 'merchant', updatedAt: later }, ['failingSince'], 3);
    const electroByMerchant = webhookEndpointEntity
      .patch(key)
      .set({ status: 'disabled', disabledReason: 'merchant', updatedAt: later, version: 4 })
      .remove(['failingSince'])
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(byMerchant)).toEqual(updateEffect(electroByMerchant));

    const disabled = endpointDisabled(endpoint, new Date(later));
    const electroDisabled = webhookEndpointEntity
      .patch(key)
      .set({ status: 'disabled', disabledReason: 'failing', updatedAt: later, version: 4 })
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(disabled)).toEqual(updateEffect(electroDisabled));
    expect(conditionOf(disabled)).toBe(conditionOf(electroDisabled));

    const deleted = endpointDelete('mer_1', endpoint.endpointId, 3);
    const electroDeleted = webhookEndpointEntity.delete(key).where(({ version }, { eq }) => eq(version, 3)).params(table);
    expect(deleted.Delete?.Key).toEqual(electroDeleted.Key);
    expect(deleted.Delete?.TableName).toBe('T');
    expect(conditionOf(deleted)).toBe(conditionOf(electroDeleted));
    expect(conditionOf(deleted)).toBe('version = 3');
  });

  it("starts and ends an endpoint's failure streak as the entity's conditional patches did", () => {
    const ended = failureStreakEnded(key);
    const electroEnded = webhookEndpointEntity.patch(key).remove(['failingSince']).where(({ failingSince }, { exists }) => exists(failingSince)).params(table);
    expect(updateEffect(ended)).toEqual(updateEffect(electroEnded));
    expect(conditionOf(ended)).toBe(conditionOf(electroEnded));

    const started = failureStreakStarted(key, later);
    const electroStarted = webhookEndpointEntity.patch(key).set({ failingSince: later }).where(({ failingSince }, { notExists }) => notExists(failingSince)).params(table);
    expect(updateEffect(started)).toEqual(updateEffect(electroStarted));
    expect(conditionOf(started)).toBe(conditionOf(electroStarted));
  });

  describe("updates deliveries as the entity's patches did: the due index rewritten while pending, removed otherwise", () => {
    const patch = () => merchantWebhookDeliveryEntity.patch({ deliveryId: delivery.deliveryId });

    it('claims an attempt (dispatch)', () => {
      const plain = deliveryUpdate(delivery, { status: 'pending', bucket: 5, nextAttemptAt: later }, { set: { attempts: 3, lastAttemptAt: createdAt } });
      const electro = patch().set({ attempts: 3, status: 'pending', bucket: 5, nextAttemptAt: later, lastAttemptAt: createdAt, version: 5 }).where(({ version }, { eq }) => eq(version, 4)).params(table);
      expect(updateEffect(plain)).toEqual(updateEffect(electro));
      expect(updateEffect(plain).set).toMatchObject({ gsi2pk: 'WHDUE#5', gsi2sk: `${later}#${delivery.deliveryId}` });
      expect(updateOf(plain).Key).toEqual({ pk: `WHDL#${delivery.deliveryId}`, sk: 'WHDL' });
      expect(conditionOf(plain)).toBe(conditionOf(electro));
    });

    it('records a success (lastError removed, out of the due index)', () => {
      const plain = deliveryUpdate(delivery, { status: 'succeeded', bucket: 5, nextAttemptAt: later }, { set: { lastResponseCode: 204 }, remove: ['lastError'] });
      const electro = patch().set({ status: 'succeeded', bucket: 5, nextAttemptAt: later, version: 5, lastResponseCode: 204 }).remove(['lastError']).where(({ version }, { eq }) => eq(version, 4)).params(table);
      expect(updateEffect(plain)).toEqual(updateEffect(electro));
      expect(updateEffect(plain).remove).toEqual(['gsi2pk', 'gsi2sk', 'lastError']);
      expect(conditionOf(plain)).toBe(conditionOf(electro));
    });

    it('records a failure to retry, and one given up on without an answer', () => {
      const retrying = deliveryUpdate(delivery, { status: 'pending', bucket: 5, nextAttemptAt: later }, { set: { lastResponseCode: 500, lastError: 'http_500' } });
      const electroRetrying = patch().set({ status: 'pending', bucket: 5, nextAttemptAt: later, version: 5, lastResponseCode: 500 }).set({ lastError: 'http_500' }).where(({ version }, { eq }) => eq(version, 4)).params(table);
      expect(updateEffect(retrying)).toEqual(updateEffect(electroRetrying));

      const given = deliveryUpdate(delivery, { status: 'failed', bucket: 5, nextAttemptAt: later }, { set: { lastError: 'endpoint_deleted' } });
      const electroGiven = patch().set({ status: 'failed', bucket: 5, nextAttemptAt: later, version: 5 }).set({ lastError: 'endpoint_deleted' }).where(({ version }, { eq }) => eq(version, 4)).params(table);
      expect(updateEffect(given)).toEqual(updateEffect(electroGiven));
      expect(updateEffect(given).remove).toEqual(['gsi2pk', 'gsi2sk']);
      expect(conditionOf(given)).toBe(conditionOf(electroGiven));
    });

    it('retries by hand with a fresh window (retry-delivery)', () => {
      const plain = deliveryUpdate(delivery, { status: 'pending', bucket: 5, nextAttemptAt: later }, { set: { retryFrom: 2, windowStartedAt: later } });
      const electro = patch().set({ status: 'pending', bucket: 5, retryFrom: 2, windowStartedAt: later, nextAttemptAt: later, version: 5 }).where(({ version }, { eq }) => eq(version, 4)).params(table);
      expect(updateEffect(plain)).toEqual(updateEffect(electro));
      expect(conditionOf(plain)).toBe(conditionOf(electro));
    });

    it('reschedules a due delivery only while it is pending (retry-due)', () => {
      const plain = deliveryUpdate(delivery, { status: 'pending', bucket: 5, nextAttemptAt: later }, {}, { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': 'pending' } });
      const electro = patch()
        .set({ status: 'pending', bucket: 5, nextAttemptAt: later, version: 5 })
        .where(({ version, status }, { eq }) => `${eq(version, 4)} AND ${eq(status, 'pending')}`)
        .params(table);
      expect(updateEffect(plain)).toEqual(updateEffect(electro));
      expect(conditionOf(plain)).toBe(conditionOf(electro));
      expect(conditionOf(plain)).toBe('attribute_exists pk AND attribute_exists sk AND version = 4 AND status = "pending"');
    });
  });
});

describe('notifications read what their entities wrote, by the same keys and Queries', () => {
  const ddb = mockClient(documentClient);

  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });
  afterEach(() => ddb.reset());

  /** A Query's meaning: index, key condition with its values, order, limit and consistency. */
  const queryOf = (params: unknown) => {
    const p = params as { IndexName?: string; KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown>; ScanIndexForward?: boolean; Limit?: number; ConsistentRead?: boolean; ExclusiveStartKey?: unknown };
    return {
      index: p.IndexName,
      key: resolvedCondition(p, 'key'),
      forward: p.ScanIndexForward ?? true,
      limit: p.Limit,
      consistent: p.ConsistentRead ?? false,
      start: p.ExclusiveStartKey,
    };
  };
  const sent = (command: 'get' | 'query', i = 0): unknown => (command === 'get' ? ddb.commandCalls(GetCommand) : ddb.commandCalls(QueryCommand))[i]?.args[0].input;

  it('gets endpoints, counters, deliveries and shipments by the entities\' keys, consistently where it was', async () => {
    const stored = itemWritten(webhookEndpointEntity.create(endpoint).params(table));
    ddb.on(GetCommand).resolves({ Item: stored });
    expect(await readEndpoint('mer_1', endpoint.endpointId)).toEqual(endpoint);
    expect(sent('get')).toEqual({ TableName: 'T', Key: webhookEndpointEntity.get(key).params(table).Key, ConsistentRead: true });
    expect(endpointKey('mer_1', endpoint.endpointId)).toEqual(webhookEndpointEntity.get(key).params(table).Key);

    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: itemWritten(webhookEndpointCountEntity.create({ merchantId: 'mer_1', endpoints: 4 }).params(table)) });
    expect(await readEndpointCount('mer_1')).toBe(4);
    expect(sent('get')).toEqual({ TableName: 'T', Key: webhookEndpointCountEntity.get({ merchantId: 'mer_1' }).params(table).Key, ConsistentRead: true });
    expect(endpointCountKey('mer_1')).toEqual(webhookEndpointCountEntity.get({ merchantId: 'mer_1' }).params(table).Key);

    ddb.reset();
    const failed = { ...delivery, status: 'failed' as const, lastResponseCode: 500, lastError: 'http_500', lastAttemptAt: later };
    ddb.on(GetCommand).resolves({ Item: itemWritten(merchantWebhookDeliveryEntity.create(failed).params(table)) });
    expect(await readDelivery(delivery.deliveryId)).toEqual(failed);
    expect(sent('get')).toEqual({ TableName: 'T', Key: merchantWebhookDeliveryEntity.get({ deliveryId: delivery.deliveryId }).params(table).Key, ConsistentRead: true });
    expect(deliveryKey(delivery.deliveryId)).toEqual(merchantWebhookDeliveryEntity.get({ deliveryId: delivery.deliveryId }).params(table).Key);

    ddb.reset();
    const shipment = {
      shipmentId: 'shp_1',
      orderId: 'ord_1',
      merchantId: 'mer_9',
      partnerCode: 'SF',
      trackingNumber: 'SF1',
      status: 'in_transit',
      bookedAt: createdAt,
      lastActivityAt: createdAt,
      terminal: false,
      bucket: 1,
      version: 1,
    };
    ddb.on(GetCommand).resolves({ Item: itemWritten(shipmentEntity.create(shipment).params(table)) });
    expect(await merchantOfShipment('shp_1')).toBe('mer_9');
    // Not consistent, as the entity's get was not.
    expect(sent('get')).toEqual({ TableName: 'T', Key: shipmentEntity.get({ shipmentId: 'shp_1' }).params(table).Key });
    expect(shipmentKey('shp_1')).toEqual(shipmentEntity.get({ shipmentId: 'shp_1' }).params(table).Key);
  });

  it('treats an absent item, or another entity\'s under the key, as absent (as the entity did), and a bad item as an error', async () => {
    ddb.on(GetCommand).resolves({});
    expect(await readEndpoint('mer_1', 'we_x')).toBeUndefined();
    expect(await readEndpointCount('mer_1')).toBeUndefined();
    expect(await readDelivery('msg_x')).toBeUndefined();
    expect(await merchantOfShipment('shp_x')).toBeUndefined();
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { pk: 'X', sk: 'Y', __edb_e__: 'somethingElse', __edb_v__: '1' } });
    expect(await readEndpoint('mer_1', 'we_x')).toBeUndefined();
    expect(await readDelivery('msg_x')).toBeUndefined();
    ddb.reset();
    ddb.on(GetCommand).resolves({ Item: { ...itemWritten(webhookEndpointEntity.create(endpoint).params(table)), status: 'paused' } });
    await expect(readEndpoint('mer_1', endpoint.endpointId)).rejects.toBeInstanceOf(StoredItemError);
  });

  it("queries a merchant's endpoints as the entity did: one page by Limit, or every page consistently", async () => {
    const stored = itemWritten(webhookEndpointEntity.create(endpoint).params(table));
    ddb.on(QueryCommand).resolves({ Items: [stored], LastEvaluatedKey: { pk: stored.pk, sk: stored.sk } });
    const page = await endpointPage('mer_1', { limit: 16 });
    expect(page).toEqual({ endpoints: [endpoint], last: { pk: stored.pk, sk: stored.sk } });
    expect(queryOf(sent('query'))).toEqual(queryOf(webhookEndpointEntity.query.byMerchant({ merchantId: 'mer_1' }).params({ ...table, limit: 16 })));
    expect(queryOf(sent('query')).key).toBe('pk = "WHEP#mer_1" AND begins_with sk, "WHEP#"');

    ddb.reset();
    ddb.on(QueryCommand).resolvesOnce({ Items: [stored], LastEvaluatedKey: { pk: stored.pk, sk: stored.sk } }).resolvesOnce({ Items: [{ ...stored, endpointId: 'we_2' }] });
    expect((await allEndpoints('mer_1')).map((e) => e.endpointId)).toEqual([endpoint.endpointId, 'we_2']);
    const first = queryOf(sent('query', 0));
    expect(first).toEqual(queryOf(webhookEndpointEntity.query.byMerchant({ merchantId: 'mer_1' }).params({ ...table, consistent: true })));
    expect(first.consistent).toBe(true);
    expect(queryOf(sent('query', 1)).start).toEqual({ pk: stored.pk, sk: stored.sk });
  });

  it("queries an endpoint's log newest first on gsi1, and each due bucket up to now on gsi2, as the entity did", async () => {
    const stored = itemWritten(merchantWebhookDeliveryEntity.create(delivery).params(table));
    ddb.on(QueryCommand).resolves({ Items: [stored, { pk: 'X', sk: 'Y', __edb_e__: 'other', __edb_v__: '1' }] });
    const start = { pk: 'WHDL#a', sk: 'WHDL', gsi1pk: 'WHEPDL#we', gsi1sk: 'x' };
    expect((await deliveryPage(endpoint.endpointId, 10, start)).deliveries).toEqual([delivery]);
    expect(queryOf(sent('query'))).toEqual({
      ...queryOf(merchantWebhookDeliveryEntity.query.byEndpoint({ endpointId: endpoint.endpointId }).params({ ...table, limit: 10, order: 'desc' })),
      start,
    });

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [stored] });
    expect(await dueDeliveries(5, new Date(later), 100)).toEqual([delivery]);
    expect(queryOf(sent('query'))).toEqual(queryOf(merchantWebhookDeliveryEntity.query.due({ bucket: 5 }).lte({ nextAttemptAt: later }).params({ ...table, limit: 100 })));
  });
});
