import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DeadLetterStore } from '../../../lib/local/dead-letters.js';
import { matchesFilterPattern, StreamPoller, streamFilterPattern } from '../../../lib/local/stream-poller.js';
import type { Manifest, StreamSpec } from '../../../lib/manifest.js';

// The stream poller against a scripted DynamoDB Streams API: shards with parents, paged
// DescribeStream, failing shards and consumers.

interface FakeShard {
  readonly id: string;
  readonly parent?: string;
  readonly records: StreamRecord[];
  /** A closed shard ends (no NextShardIterator) once read. */
  readonly closed: boolean;
  readonly failing?: boolean;
}

const record = (seq: number, entity = 'outbox', eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): StreamRecord => ({
  eventID: `e${seq}`,
  eventName,
  dynamodb: { SequenceNumber: String(seq).padStart(6, '0'), NewImage: { pk: { S: `ITEM#${seq}` }, __edb_e__: { S: entity } } },
});

const spec: StreamSpec = {
  name: 'TestStream',
  function: 'consumer',
  filter: { eventNames: ['INSERT'], entities: ['outbox'] },
  batchSize: 100,
  maxBatchingWindowSeconds: 0,
  retryAttempts: 1,
};

const testManifest: Manifest = {
  functions: { consumer: { entry: 'unused.ts', description: 'consumer', table: 'none' } },
  routes: [],
  rules: [],
  streams: [spec],
  schedules: [],
};

/** Serves DescribeStream (one shard per page), GetShardIterator and GetRecords from `shards`. */
const fakeStreams = (shards: FakeShard[]): DynamoDBStreamsClient => {
  const client = new DynamoDBStreamsClient({ region: 'local' });
  const mock = mockClient(client);
  mock.on(DescribeStreamCommand).callsFake((input: { ExclusiveStartShardId?: string }) => {
    const start = input.ExclusiveStartShardId ? shards.findIndex((s) => s.id === input.ExclusiveStartShardId) + 1 : 0;
    const page = shards.slice(start, start + 1);
    const more = start + 1 < shards.length;
    return {
      StreamDescription: {
        Shards: page.map((s) => ({ ShardId: s.id, ...(s.parent ? { ParentShardId: s.parent } : {}) })),
        ...(more ? { LastEvaluatedShardId: page[0]?.id } : {}),
      },
    };
  });
  mock.on(GetShardIteratorCommand).callsFake((input: { ShardId: string; ShardIteratorType: string; SequenceNumber?: string }) => {
    const shard = shards.find((s) => s.id === input.ShardId);
    if (!shard) throw new Error(`no shard ${input.ShardId}`);
    const position =
      input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' ? shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === input.SequenceNumber) + 1 : 0;
    return { ShardIterator: `${shard.id}@${position}` };
  });
  mock.on(GetRecordsCommand).callsFake((input: { ShardIterator: string }) => {
    const [id = '', at = '0'] = input.ShardIterator.split('@');
    const shard = shards.find((s) => s.id === id);
    if (!shard) throw new Error(`bad iterator ${input.ShardIterator}`);
    if (shard.failing) throw new Error(`shard ${id} is broken`);
    const records = shard.records.slice(Number(at));
    const end = shard.records.length;
    return { Records: records, ...(shard.closed ? {} : { NextShardIterator: `${id}@${end}` }) };
  });
  return client;
};

const fakeTable = (): DynamoDBClient => {
  const client = new DynamoDBClient({ region: 'local' });
  mockClient(client).on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:aws:dynamodb:local:000000000000:table/t/stream/1' } });
  return client;
};

const sequences = (events: DynamoDBStreamEvent[]): string[] => events.flatMap((e) => e.Records.map((r) => r.dynamodb?.SequenceNumber ?? '?'));

const startPoller = async (
  shards: FakeShard[],
  consumer: (event: DynamoDBStreamEvent) => Promise<unknown> = async () => ({ batchItemFailures: [] }),
  extra: { checkpointFile?: string; deadLetters?: DeadLetterStore; manifest?: Manifest } = {},
) => {
  const delivered: DynamoDBStreamEvent[] = [];
  const poller = new StreamPoller({
    dynamodb: fakeTable(),
    streams: fakeStreams(shards),
    tableName: 't',
    manifest: extra.manifest ?? testManifest,
    invoke: async (_, event) => {
      delivered.push(event as DynamoDBStreamEvent);
      return consumer(event as DynamoDBStreamEvent);
    },
    deadLetters: extra.deadLetters ?? new DeadLetterStore(),
    pollIntervalMs: 2,
    retryBaseMs: 1,
    ...(extra.checkpointFile ? { checkpointFile: extra.checkpointFile } : {}),
  });
  await poller.start();
  await poller.drained();
  return { poller, delivered };
};

let errors: ReturnType<typeof jest.spyOn>;
beforeEach(() => {
  errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => errors.mockRestore());

describe('stream filter: the pattern CDK deploys', () => {
  const pattern = streamFilterPattern({ ...spec, filter: { eventNames: ['INSERT', 'MODIFY', 'REMOVE'], entities: ['outbox'] } });
  const lambda = (r: StreamRecord): DynamoDBRecord => r as unknown as DynamoDBRecord;

  it("matches on NewImage's entity attribute only, never OldImage's", () => {
    expect(matchesFilterPattern(pattern, lambda(record(1)))).toBe(true);
    const replaced = { eventName: 'MODIFY', dynamodb: { NewImage: { __edb_e__: { S: 'auditEvent' } }, OldImage: { __edb_e__: { S: 'outbox' } } } };
    expect(matchesFilterPattern(pattern, replaced)).toBe(false);
    const removed = { eventName: 'REMOVE', dynamodb: { OldImage: { __edb_e__: { S: 'outbox' } } } };
    expect(matchesFilterPattern(pattern, removed)).toBe(false);
  });

  it('matches the event name, and needs the entity attribute as a string', () => {
    const insertOnly = streamFilterPattern(spec);
    expect(matchesFilterPattern(insertOnly, lambda(record(1, 'outbox', 'MODIFY')))).toBe(false);
    expect(matchesFilterPattern(insertOnly, { eventName: 'INSERT', dynamodb: { NewImage: { __edb_e__: { N: '1' } } } })).toBe(false);
    expect(matchesFilterPattern(insertOnly, { eventName: 'INSERT' })).toBe(false);
  });

  it('feeds the consumer only the records that pass (a removal, with no NewImage, does not)', async () => {
    const removed: StreamRecord = { eventID: 'x', eventName: 'REMOVE', dynamodb: { SequenceNumber: '000002', OldImage: { __edb_e__: { S: 'outbox' } } } };
    const withRemovals: Manifest = { ...testManifest, streams: [{ ...spec, filter: { eventNames: ['INSERT', 'REMOVE'], entities: ['outbox'] } }] };
    const { poller, delivered } = await startPoller([{ id: 's1', records: [record(1), removed, record(3, 'apiKey')], closed: false }], undefined, {
      manifest: withRemovals,
    });
    await poller.stop();
    expect(sequences(delivered)).toEqual(['000001']);
  });
});

describe('stream poller: shards', () => {
  it('starts a child shard only once its parent is finished, even when the child is listed first', async () => {
    const { poller, delivered } = await startPoller([
      { id: 'child', parent: 'parent', records: [record(3), record(4)], closed: false },
      { id: 'parent', records: [record(1), record(2)], closed: true },
    ]);
    await poller.drained();
    await poller.stop();
    expect(sequences(delivered)).toEqual(['000001', '000002', '000003', '000004']);
  });

  it('starts a shard whose parent is no longer listed (trimmed) at once', async () => {
    const { poller, delivered } = await startPoller([{ id: 'orphan', parent: 'gone', records: [record(1)], closed: false }]);
    await poller.stop();
    expect(sequences(delivered)).toEqual(['000001']);
  });

  it('reads every page of DescribeStream', async () => {
    const { poller, delivered } = await startPoller([
      { id: 's1', records: [record(1)], closed: false },
      { id: 's2', records: [record(2)], closed: false },
      { id: 's3', records: [record(3)], closed: false },
    ]);
    await poller.stop();
    expect(sequences(delivered).sort()).toEqual(['000001', '000002', '000003']);
  });

  it('keeps reading the other shards while one fails', async () => {
    const { poller, delivered } = await startPoller([
      { id: 'broken', records: [record(1)], closed: false, failing: true },
      { id: 'fine', records: [record(2)], closed: false },
    ]);
    await poller.stop();
    expect(sequences(delivered)).toEqual(['000002']);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('shard broken failed'));
  });
});

describe('stream poller: checkpoints and stopping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'poller-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the checkpoint past dead-lettered records, so a restart does not replay them', async () => {
    const checkpointFile = join(dir, 'checkpoints.json');
    const deadLetters = new DeadLetterStore();
    const shards: FakeShard[] = [{ id: 's1', records: [record(1), record(2)], closed: false }];
    const first = await startPoller(
      shards,
      async () => {
        throw new Error('consumer down');
      },
      { checkpointFile, deadLetters },
    );
    await first.poller.stop();
    expect(first.delivered).toHaveLength(spec.retryAttempts + 1);
    expect(deadLetters.list()).toMatchObject([{ kind: 'stream', name: 'TestStream', target: 'consumer', attempts: spec.retryAttempts + 1 }]);
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toEqual({ s1: '000002' });

    shards[0]?.records.push(record(3));
    const second = await startPoller(shards, undefined, { checkpointFile });
    await second.poller.stop();
    expect(sequences(second.delivered)).toEqual(['000003']);
  });

  it('does not move the checkpoint before the consumer returned', async () => {
    const checkpointFile = join(dir, 'slow.json');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const poller = new StreamPoller({
      dynamodb: fakeTable(),
      streams: fakeStreams([{ id: 's1', records: [record(1)], closed: false }]),
      tableName: 't',
      manifest: testManifest,
      invoke: async () => {
        seen.push('invoked');
        await gate;
        return { batchItemFailures: [] };
      },
      deadLetters: new DeadLetterStore(),
      pollIntervalMs: 2,
      checkpointFile,
    });
    await poller.start();
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(() => readFileSync(checkpointFile, 'utf8')).toThrow();
    release();
    await poller.drained();
    await poller.stop();
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toEqual({ s1: '000001' });
  });

  it('resolves drained() once stopped, and when called after stop', async () => {
    const { poller } = await startPoller([{ id: 's1', records: [], closed: false }]);
    const pending = poller.drained();
    await poller.stop();
    await expect(pending).resolves.toBeUndefined();
    await expect(poller.drained()).resolves.toBeUndefined();
  });
});
