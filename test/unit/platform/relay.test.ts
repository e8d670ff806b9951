import { eventCatalogue } from '../../../events/catalogue.js';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { relay, type RelayItem, type RelayOptions } from '../../../functions/platform/relay.js';
import { handler } from '../../../functions/platform/outbox-relay.js';
import { outboxEvent } from '../../../functions/shared/outbox.js';
import { lambdaContext } from '../../support/api-event.js';

const noWait: RelayOptions = { attempts: 3, backoffMs: () => 0, sleep: async () => undefined };
const item = (n: number): RelayItem => ({ id: String(n).padStart(5, '0'), entry: { Source: 's', DetailType: `T${n}`, Detail: '{}' } });

describe('relay (PutEvents batching and partial failures)', () => {
  it('puts at most ten entries per call', async () => {
    const calls: number[] = [];
    const outcome = await relay(
      Array.from({ length: 23 }, (_, i) => item(i)),
      async (entries) => {
        calls.push(entries.length);
        return { Entries: entries.map((_, i) => ({ EventId: `e${i}` })) };
      },
      noWait,
    );
    expect(calls).toEqual([10, 10, 3]);
    expect(outcome).toEqual({ published: 23, failedAttempts: 0, failed: [] });
  });

  it('resends only the entries EventBridge reported as failed', async () => {
    const sent: string[][] = [];
    let first = true;
    await relay(
      [item(1), item(2), item(3)],
      async (entries) => {
        sent.push(entries.map((e) => String(e.DetailType)));
        const failSecond = first;
        first = false;
        return { Entries: entries.map((_, i) => (failSecond && i === 1 ? { ErrorCode: 'InternalFailure' } : { EventId: `e${i}` })) };
      },
      noWait,
    );
    expect(sent).toEqual([['T1', 'T2', 'T3'], ['T2']]);
  });

  it('gives back what still fails after its attempts, and treats a thrown call as all failed', async () => {
    const outcome = await relay(
      [item(1), item(2)],
      async (entries: PutEventsRequestEntry[]) => {
        if (entries.length === 2) throw new Error('throttled');
        return { Entries: [{ ErrorCode: 'ThrottlingException' }] };
      },
      noWait,
    );
    expect(outcome.published).toBe(0);
    expect(outcome.failed.map((f) => f.id)).toEqual(['00001', '00002']);
    expect(outcome.failedAttempts).toBe(6);
  });
});

describe('outbox relay handler', () => {
  const eventBridge = mockClient(EventBridgeClient);

  beforeAll(() => {
    process.env.EVENT_BUS_NAME = 'test-bus';
  });
  afterEach(() => eventBridge.reset());

  const outboxRecord = (sequence: string, eventName: 'INSERT' | 'REMOVE' = 'INSERT'): DynamoDBRecord => {
    const item = outboxEvent(
      eventCatalogue.ApiKeyCreated,
      { keyId: 'key_1', role: 'finance', tenantId: null, createdBy: 'admin', createdAt: '2026-11-01T00:00:00.000Z' },
      { correlationId: `c-${sequence}` },
    );
    const image = marshall({ pk: `OUTBOX#${item.eventId}`, sk: 'OUTBOX', __edb_e__: 'outbox', __edb_v__: '1', ...item }) as Record<string, LambdaAttributeValue>;
    return { eventName, dynamodb: { SequenceNumber: sequence, NewImage: image } };
  };

  const otherRecord: DynamoDBRecord = {
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: '00009', NewImage: marshall({ pk: 'AUDIT#1', sk: 'AUDIT', __edb_e__: 'auditEvent' }) as Record<string, LambdaAttributeValue> },
  };

  it('puts each outbox insert on the bus with its source, detail-type and detail, and ignores other records', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));
    const event: DynamoDBStreamEvent = { Records: [outboxRecord('00001'), otherRecord, outboxRecord('00002', 'REMOVE')] };
    const response = await handler(event, lambdaContext('outboxRelay'));
    expect(response).toEqual({ batchItemFailures: [] });
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ EventBusName: 'test-bus', Source: 'xborder.platform', DetailType: 'ApiKeyCreated' });
    expect(JSON.parse(String(entries[0]?.Detail))).toMatchObject({ metadata: { correlationId: 'c-00001', version: 1 }, data: { keyId: 'key_1' } });
  });

  it('reports the records whose entries kept failing, so the stream retries only from there', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFake((input: { Entries: Array<{ Detail: string }> }) => ({
        FailedEntryCount: 1,
        Entries: input.Entries.map((e) => (e.Detail.includes('c-00002') ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: 'ok' })),
      }));
    const response = await handler({ Records: [outboxRecord('00001'), outboxRecord('00002'), outboxRecord('00003')] }, lambdaContext('outboxRelay'));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '00002' }] });
    // First call had all three; each retry resent only the failed one.
    const sizes = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([3, 1, 1]);
  });
});
