import { eventCatalogue } from '../../events/catalogue.js';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { outboxEvent } from '../../functions/shared/outbox.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { consumerRetryAttempts } from '../../lib/manifest.js';
import { tableDefinition } from '../../lib/table.js';
import { request } from '../support/http.js';
import { startTestRuntime } from '../support/runtime.js';
import { localClient } from '../support/tables.js';

// The foundation's whole chain on DynamoDB Local: HTTP -> handler -> TransactWriteItems
// (key + outbox) -> table stream -> relay (real SDK PutEvents) -> local bus -> rule ->
// audit consumer -> audit trail, including the failure paths.
let runtime: Runtime;
let stop: () => Promise<void>;
let tableName: string;
let adminKey: string;

type AuditEvent = { eventId: string; detailType: string; data: { keyId: string; role: string; createdBy: string } };

const auditTrail = async (key = adminKey, query = ''): Promise<AuditEvent[]> => {
  const reply = await request(runtime.url, 'GET', `/v1/admin/audit-events${query}`, { key });
  expect(reply.status).toBe(200);
  return reply.body.data as AuditEvent[];
};

const createFinanceKey = async (): Promise<{ apiKey: string; keyId: string }> => {
  const reply = await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } });
  expect(reply.status).toBe(201);
  return { apiKey: String(reply.body.apiKey), keyId: String((reply.body.key as { id: string }).id) };
};

beforeAll(async () => {
  ({ runtime, adminKey, tableName, stop } = await startTestRuntime('platform'));
});

afterAll(async () => {
  await stop();
});

describe('API key -> ApiKeyCreated -> audit trail', () => {
  it('answers /health once the table is reachable', async () => {
    const reply = await request(runtime.url, 'GET', '/health');
    expect(reply).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('records a created key in the audit trail, and the new key authenticates with its own role', async () => {
    const { apiKey, keyId } = await createFinanceKey();
    await runtime.settle();
    const entry = (await auditTrail()).find((e) => e.data.keyId === keyId);
    expect(entry).toMatchObject({ detailType: 'ApiKeyCreated', data: { keyId, role: 'finance', createdBy: 'admin' } });

    const asFinance = await request(runtime.url, 'GET', '/v1/admin/audit-events', { key: apiKey });
    expect(asFinance.status).toBe(403);
    expect(asFinance.body.code).toBe('forbidden');
  });

  it('stores keys only as hashes', async () => {
    const { apiKey } = await createFinanceKey();
    const client = localClient();
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    client.destroy();
    expect(JSON.stringify(Items)).not.toContain(apiKey);
    expect(JSON.stringify(Items)).not.toContain(apiKey.slice(4, 30));
  });

  it('delivers every event once even when PutEvents refuses an entry (the relay resends only that one)', async () => {
    runtime.bus.failNextEntries(1);
    const { keyId } = await createFinanceKey();
    await runtime.settle();
    const onBus = runtime.bus.recent().filter((e) => JSON.stringify(e.detail).includes(keyId));
    expect(onBus).toHaveLength(1);
    expect((await auditTrail()).filter((e) => e.data.keyId === keyId)).toHaveLength(1);
  });

  it('delivers each event of a multi-entry PutEvents call once when EventBridge refuses one of its entries', async () => {
    // One relay invocation with five outbox records (real outbox items, as the table stream
    // carries them): one PutEvents call of five entries, the first refused. Only that entry
    // may be resent; resending the call would put the other four on the bus twice.
    await runtime.settle();
    const keyIds = Array.from({ length: 5 }, (_, i) => `key_multi${i}${Date.now()}`);
    const items = keyIds.map((keyId) =>
      outboxEvent(eventCatalogue.ApiKeyCreated, { keyId, role: 'finance', tenantId: null, createdBy: 'admin', createdAt: new Date().toISOString() }, { correlationId: `multi-${keyId}` }),
    );
    const records: DynamoDBRecord[] = items.map((item, i) => ({
      eventID: `multi-${i}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        SequenceNumber: `9${String(i).padStart(20, '0')}`,
        NewImage: marshall({ pk: `OUTBOX#${item.eventId}`, sk: 'OUTBOX', [tableDefinition.entityAttribute]: 'outbox', __edb_v__: '1', ...item }) as Record<
          string,
          LambdaAttributeValue
        >,
      },
    }));
    runtime.bus.failNextEntries(1);
    const response = (await runtime.invoke('outboxRelay', { Records: records })) as DynamoDBBatchResponse;
    expect(response.batchItemFailures).toEqual([]);
    await runtime.settle();

    const onBus = runtime.bus.recent().filter((e) => items.some((item) => JSON.stringify(e.detail).includes(item.eventId)));
    const eventIds = onBus.map((e) => (e.detail as { metadata: { eventId: string } }).metadata.eventId);
    // Each exactly once; the refused first entry arrived last, resent on its own.
    expect([...eventIds].sort()).toEqual(items.map((item) => item.eventId).sort());
    expect(eventIds.at(-1)).toBe(items[0]?.eventId);
    const trail = await auditTrail(adminKey, '?limit=100');
    for (const keyId of keyIds) expect(trail.filter((e) => e.data.keyId === keyId)).toHaveLength(1);
  });

  it('records a redelivered event once', async () => {
    const { keyId } = await createFinanceKey();
    await runtime.settle();
    const delivered = runtime.bus.recent().find((e) => JSON.stringify(e.detail).includes(keyId));
    expect(delivered).toBeDefined();
    await runtime.invoke('recordAudit', delivered);
    await runtime.invoke('recordAudit', delivered);
    expect((await auditTrail()).filter((e) => e.data.keyId === keyId)).toHaveLength(1);
  });

  it('pages the audit trail newest first with signed cursors, and refuses an edited one', async () => {
    await createFinanceKey();
    await createFinanceKey();
    await runtime.settle();
    const all = await auditTrail(adminKey, '?limit=100');
    const first = await request(runtime.url, 'GET', '/v1/admin/audit-events?limit=2', { key: adminKey });
    const firstPage = first.body.data as AuditEvent[];
    expect(firstPage.map((e) => e.eventId)).toEqual(all.slice(0, 2).map((e) => e.eventId));
    const cursor = String(first.body.nextCursor);
    const second = await request(runtime.url, 'GET', `/v1/admin/audit-events?limit=2&cursor=${encodeURIComponent(cursor)}`, { key: adminKey });
    expect((second.body.data as AuditEvent[]).map((e) => e.eventId)).toEqual(all.slice(2, 4).map((e) => e.eventId));

    const edited = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    const refused = await request(runtime.url, 'GET', `/v1/admin/audit-events?cursor=${encodeURIComponent(edited)}`, { key: adminKey });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor' }] });
    const tooMany = await request(runtime.url, 'GET', '/v1/admin/audit-events?limit=101', { key: adminKey });
    expect(tooMany.status).toBe(400);
  });
});

describe('failures end in the local dead-letter record', () => {
  it('dead-letters an event its consumer keeps refusing, after the rule retries', async () => {
    const before = runtime.deadLetters.list().length;
    runtime.bus.put({ Source: 'xborder.platform', DetailType: 'ApiKeyCreated', Detail: JSON.stringify({ metadata: {}, data: {} }), EventBusName: 'xborder-local' });
    await runtime.settle();
    const letters = runtime.deadLetters.list().slice(before);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ kind: 'rule', name: 'AuditPlatformEvents', target: 'recordAudit', attempts: consumerRetryAttempts + 1 });

    const listed = await request(runtime.url, 'GET', '/local/dead-letters', { key: adminKey });
    expect(listed.status).toBe(200);
    expect((listed.body.data as unknown[]).length).toBe(before + 1);
    const anonymous = await request(runtime.url, 'GET', '/local/dead-letters');
    expect(anonymous.status).toBe(401);
  });

  it('dead-letters stream records the relay could not publish after the mapping retries, and moves on', async () => {
    const before = runtime.deadLetters.list().length;
    runtime.bus.failNextEntries(1_000);
    const { keyId } = await createFinanceKey();
    await runtime.settle();
    runtime.bus.failNextEntries(0);
    const letters = runtime.deadLetters.list().slice(before);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ kind: 'stream', name: 'OutboxRelay', target: 'outboxRelay', attempts: 11 });
    expect(JSON.stringify(letters[0]?.payload)).toContain(keyId);

    // The poller moved past it: the next key's event flows again.
    const next = await createFinanceKey();
    await runtime.settle();
    expect((await auditTrail()).some((e) => e.data.keyId === next.keyId)).toBe(true);
  });
});
