/**
 * Polls the table's stream on DynamoDB Local and feeds the manifest's stream
 * consumers the same event Lambda's event source mapping would: filtered by the
 * same filter pattern CDK deploys, in order (a child shard waits for its parent),
 * retrying from the first reported batch item failure, and dead-lettering what
 * still fails after the mapping's retry attempts.
 *
 * Checkpoints: a shard's position moves only after every consumer returned for the
 * records read (delivered, or dead-lettered after its retries), and is written to the
 * checkpoint file (persistent data) so a restart resumes after it rather than replaying.
 * What the relay consumer hands on is then the local bus's: PutEvents answers only after
 * the bus journaled each delivery in DATA_DIR (lib/local/event-bus.ts), and a restart
 * retries whatever was journaled, as EventBridge holds an accepted event durably on AWS.
 * A consumer still running when the process dies has not let the checkpoint move: its
 * records are read again after a restart (at least once, as on AWS).
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
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
  /** Undefined until fetched (or re-fetched after an error or expiry). */
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

/** A Lambda event filter pattern restricted to what the manifest needs: exact string values at each leaf. */
export interface FilterPattern {
  readonly [field: string]: FilterPattern | readonly string[];
}

/**
 * A stream consumer's filter pattern, exactly as the CDK stack deploys it (lib/stacks/stateless-stack.ts,
 * FilterCriteria): the record's eventName, and the entity attribute of its NewImage only (never OldImage).
 */
export const streamFilterPattern = (spec: StreamSpec): FilterPattern => ({
  eventName: [...spec.filter.eventNames],
  dynamodb: { NewImage: { [tableDefinition.entityAttribute]: { S: [...spec.filter.entities] } } },
});

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isValueList = (rule: FilterPattern | readonly string[]): rule is readonly string[] => Array.isArray(rule);

/** Lambda's filter semantics for such patterns: every field present, and equal to one of the listed values. */
export const matchesFilterPattern = (pattern: FilterPattern, value: unknown): boolean =>
  Object.entries(pattern).every(([field, rule]) => {
    const actual = isRecord(value) ? value[field] : undefined;
    return isValueList(rule) ? typeof actual === 'string' && rule.includes(actual) : matchesFilterPattern(rule, actual);
  });

export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private checkpoints: Record<string, string> = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private cycleWaiters: Array<{ after: number; wake: () => void }> = [];
  private cycles = 0;
  private readonly filters: ReadonlyArray<{ spec: StreamSpec; pattern: FilterPattern }>;

  constructor(private readonly options: StreamPollerOptions) {
    this.filters = options.manifest.streams.map((spec) => ({ spec, pattern: streamFilterPattern(spec) }));
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

  /** Resolves after a full polling cycle, begun after this call, found no new records; at once when stopped. */
  drained(): Promise<void> {
    if (!this.running) return Promise.resolve();
    const after = this.cycles;
    return new Promise((resolve) => this.cycleWaiters.push({ after, wake: resolve }));
  }

  private async run(streamArn: string): Promise<void> {
    while (this.running) {
      let found = 0;
      try {
        await this.discoverShards(streamArn);
      } catch (error) {
        // Shards already known are still read.
        if (this.running) console.error(`[stream] DescribeStream failed: ${errorText(error)}`);
      }
      for (const [shardId, state] of this.shards) {
        if (!this.running) break;
        if (state.done) continue;
        try {
          found += await this.pollShard(streamArn, shardId, state);
        } catch (error) {
          // One shard's trouble does not stop the others; this one is retried next cycle
          // from its last checkpoint (a fresh iterator).
          state.iterator = undefined;
          if (this.running) console.error(`[stream] shard ${shardId} failed: ${errorText(error)}`);
        }
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

  /**
   * Adds the stream's new shards (every DescribeStream page). A shard whose parent is listed, or
   * still being read, waits until that parent is finished: records of one item stay in order
   * across a shard split. A parent no longer listed (trimmed) does not hold its child back.
   */
  private async discoverShards(streamArn: string): Promise<void> {
    const listed: Array<{ shardId: string; parentId: string | undefined }> = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ...(exclusiveStartShardId ? { ExclusiveStartShardId: exclusiveStartShardId } : {}) }),
      );
      for (const shard of StreamDescription?.Shards ?? []) if (shard.ShardId) listed.push({ shardId: shard.ShardId, parentId: shard.ParentShardId });
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    const listedIds = new Set(listed.map((s) => s.shardId));
    for (const { shardId, parentId } of listed) {
      if (this.shards.has(shardId)) continue;
      if (parentId && (listedIds.has(parentId) || this.shards.has(parentId)) && !this.shards.get(parentId)?.done) continue;
      this.shards.set(shardId, { iterator: undefined, done: false });
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
      state.iterator = await this.iteratorFor(streamArn, shardId);
      if (!state.iterator) {
        state.done = true; // a closed shard read to its end
        return 0;
      }
    }
    let response;
    try {
      response = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
    } catch (error) {
      // An iterator can expire (15 min) or, on DynamoDB Local under load, point before the oldest
      // record it keeps: like the event source mapping, start again from the last checkpoint.
      if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException)) throw error;
      state.iterator = undefined;
      return 0;
    }
    const records = (response.Records ?? []).map((r) => toLambdaRecord(r, streamArn));
    // Every consumer returns (delivered, or dead-lettered after its retries) before the checkpoint moves.
    for (const { spec, pattern } of this.filters) await this.feed(spec, records.filter((r) => matchesFilterPattern(pattern, r)));
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
    const file = this.options.checkpointFile;
    if (!file) return;
    // Written whole, then renamed: a crash mid-write leaves the previous checkpoints, never half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(this.checkpoints));
    renameSync(`${file}.tmp`, file);
  }
}

export const streamsClientFor = (endpoint: string): DynamoDBStreamsClient =>
  new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
