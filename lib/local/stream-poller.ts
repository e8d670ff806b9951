/**
 * Polls the table's stream on DynamoDB Local and feeds the manifest's stream
 * consumers the same event Lambda's event source mapping would: filtered by the
 * manifest filter, in order, retrying from the first reported batch item failure,
 * and dead-lettering what still fails after the mapping's retry attempts.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  TrimmedDataAccessException,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Manifest, StreamSpec } from '../manifest.js';
import { tableDefinition } from '../table.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { Invoke } from './invoke.js';
import { errorText, localBackoffMs, sleep } from './retry.js';

export interface StreamPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly manifest: Manifest;
  readonly invoke: Invoke;
  readonly deadLetters: DeadLetterStore;
  /** Where shard positions are kept between restarts (persistent data only). */
  readonly checkpointFile?: string;
  readonly pollIntervalMs?: number;
  readonly retryBaseMs?: number;
}

interface ShardState {
  iterator: string | undefined;
  done: boolean;
}

/** Lambda's record shape (epoch seconds, string enums) from the Streams API's. */
const toLambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord =>
  ({
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
        ? Math.floor(record.dynamodb.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
    },
  }) as DynamoDBRecord;

const passes = (spec: StreamSpec, record: DynamoDBRecord): boolean => {
  const entity = record.dynamodb?.NewImage?.[tableDefinition.entityAttribute]?.S ?? record.dynamodb?.OldImage?.[tableDefinition.entityAttribute]?.S;
  return (
    record.eventName !== undefined &&
    spec.filter.eventNames.includes(record.eventName) &&
    entity !== undefined &&
    spec.filter.entities.includes(entity)
  );
};

export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private checkpoints: Record<string, string> = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private cycleWaiters: Array<{ after: number; wake: () => void }> = [];
  private cycles = 0;

  constructor(private readonly options: StreamPollerOptions) {
    const file = options.checkpointFile;
    if (file && existsSync(file)) this.checkpoints = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  }

  async start(): Promise<void> {
    const table = await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const arn = table.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.running = true;
    this.loop = this.run(arn);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves after a full polling cycle, begun after this call, found no new records. */
  drained(): Promise<void> {
    const after = this.cycles;
    return new Promise((resolve) => this.cycleWaiters.push({ after, wake: resolve }));
  }

  private async run(streamArn: string): Promise<void> {
    while (this.running) {
      let found = 0;
      try {
        await this.discoverShards(streamArn);
        for (const [shardId, state] of this.shards) if (!state.done) found += await this.pollShard(streamArn, shardId, state);
      } catch (error) {
        if (this.running) console.error(`[stream] polling failed: ${errorText(error)}`);
      }
      this.cycles += 1;
      if (found === 0) {
        const ready = this.cycleWaiters.filter((w) => w.after < this.cycles - 1);
        this.cycleWaiters = this.cycleWaiters.filter((w) => !ready.includes(w));
        for (const w of ready) w.wake();
        await sleep(this.options.pollIntervalMs ?? 100);
      }
    }
    for (const w of this.cycleWaiters.splice(0)) w.wake();
  }

  private async discoverShards(streamArn: string): Promise<void> {
    const { StreamDescription } = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (!shardId || this.shards.has(shardId)) continue;
      const parent = shard.ParentShardId ? this.shards.get(shard.ParentShardId) : undefined;
      if (parent && !parent.done) continue; // children wait for their parent, to keep order
      this.shards.set(shardId, { iterator: await this.iteratorFor(streamArn, shardId), done: false });
    }
  }

  private async iteratorFor(streamArn: string, shardId: string): Promise<string | undefined> {
    const after = this.checkpoints[shardId];
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  private async pollShard(streamArn: string, shardId: string, state: ShardState): Promise<number> {
    if (!state.iterator) {
      state.done = true;
      return 0;
    }
    let response;
    try {
      response = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
    } catch (error) {
      // An iterator can expire (15 min) or, on DynamoDB Local under load, point before the oldest
      // record it keeps: like the event source mapping, start again from the last checkpoint.
      if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException)) throw error;
      state.iterator = await this.iteratorFor(streamArn, shardId);
      return 0;
    }
    const records = (response.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
    for (const spec of this.options.manifest.streams) await this.feed(spec, records.filter((r) => passes(spec, r)));
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) this.checkpoint(shardId, last);
    state.iterator = response.NextShardIterator;
    if (!state.iterator) state.done = true;
    return records.length;
  }

  /** Delivers records to one consumer in batches; on a reported failure, retries from that record on. */
  private async feed(spec: StreamSpec, records: DynamoDBRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += spec.batchSize) {
      let batch = records.slice(start, start + spec.batchSize);
      let lastError = '';
      for (let attempt = 0; batch.length > 0; attempt += 1) {
        if (attempt > spec.retryAttempts) {
          this.options.deadLetters.add({
            kind: 'stream',
            name: spec.name,
            target: spec.function,
            attempts: attempt,
            error: lastError,
            failedAt: new Date().toISOString(),
            payload: { Records: batch },
          });
          break;
        }
        if (attempt > 0) await sleep(localBackoffMs(attempt - 1, this.options.retryBaseMs ?? 100));
        try {
          const event: DynamoDBStreamEvent = { Records: batch };
          const response = (await this.options.invoke(spec.function, event)) as DynamoDBBatchResponse | undefined;
          const failures = response?.batchItemFailures ?? [];
          if (failures.length === 0) break;
          const failedIds = new Set(failures.map((f) => f.itemIdentifier));
          const first = batch.findIndex((r) => failedIds.has(r.dynamodb?.SequenceNumber ?? ''));
          lastError = `batch item failures: ${[...failedIds].join(', ')}`;
          batch = batch.slice(first === -1 ? 0 : first);
        } catch (error) {
          lastError = errorText(error);
        }
      }
    }
  }

  private checkpoint(shardId: string, sequenceNumber: string): void {
    this.checkpoints[shardId] = sequenceNumber;
    if (this.options.checkpointFile) writeFileSync(this.options.checkpointFile, JSON.stringify(this.checkpoints));
  }
}

export const streamsClientFor = (endpoint: string): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
