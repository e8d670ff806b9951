/**
 * A manifest queue, locally: an in-memory SQS stand-in fed by the local bus (the queue's
 * `fedBy` rule) that invokes its consumer with SQS event batches, honours partial batch
 * responses (`batchItemFailures`), redelivers a failed message after a short backoff and
 * dead-letters it once it has been received `maxReceiveCount` times, like a redrive
 * policy to a DLQ on AWS.
 */
import { randomUUID } from 'node:crypto';
import type { QueueSpec } from '../manifest.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { Invoke } from './invoke.js';
import { errorText, localBackoffMs, sleep } from './retry.js';

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
}

const sqsRecord = (queue: string, message: Message) => ({
  messageId: message.messageId,
  receiptHandle: `${message.messageId}#${message.receiveCount}`,
  body: message.body,
  attributes: {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt),
    SenderId: 'local',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
  awsRegion: 'local',
});

const failedIds = (result: unknown): Set<string> | null => {
  const failures = (result as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  return new Set(failures.map((f) => String((f as { itemIdentifier?: unknown }).itemIdentifier)));
};

export class LocalQueue {
  private readonly waiting: Message[] = [];
  private inFlight = 0;
  private draining = false;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    readonly spec: QueueSpec,
    private readonly invoke: Invoke,
    private readonly deadLetters: DeadLetterStore,
    private readonly retryBaseMs = 100,
  ) {}

  send(body: string): string {
    const message: Message = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0 };
    this.waiting.push(message);
    this.pump();
    return message.messageId;
  }

  get busy(): boolean {
    return this.inFlight > 0 || this.waiting.length > 0;
  }

  /** Resolves when no message is waiting or being handled. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }

  private pump(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    this.inFlight += 1;
    void this.drain().finally(() => {
      this.draining = false;
      this.inFlight -= 1;
      if (this.waiting.length > 0 && !this.closed) this.pump();
      else if (!this.busy) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.spec.batchSize);
      for (const message of batch) message.receiveCount += 1;
      let failed: Set<string>;
      let error = 'reported in batchItemFailures';
      try {
        const result = await this.invoke(this.spec.function, { Records: batch.map((m) => sqsRecord(this.spec.name, m)) });
        failed = failedIds(result) ?? new Set();
      } catch (thrown) {
        // The whole batch failed (the function threw or timed out): every message comes back.
        error = errorText(thrown);
        failed = new Set(batch.map((m) => m.messageId));
      }
      const retry = batch.filter((m) => failed.has(m.messageId));
      for (const message of retry) {
        if (message.receiveCount >= this.spec.maxReceiveCount) {
          this.deadLetters.add({
            kind: 'queue',
            name: this.spec.name,
            target: this.spec.function,
            attempts: message.receiveCount,
            error,
            failedAt: new Date().toISOString(),
            payload: message.body,
          });
        } else {
          this.inFlight += 1;
          // The visibility timeout, shortened: the message reappears after a backoff.
          void sleep(localBackoffMs(message.receiveCount - 1, this.retryBaseMs)).then(() => {
            this.inFlight -= 1;
            this.waiting.push(message);
            this.pump();
          });
        }
      }
    }
  }
}
