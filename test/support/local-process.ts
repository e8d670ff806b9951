import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/paths.js';
import { freePort } from '../../lib/local/net.js';

/** `npm start` as a user runs it, in its own process group (as a terminal's foreground job). */
export interface LocalProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly adminKey: string;
  readonly dynamoPid: number | undefined;
  output(): string;
  /** Sends the signal to the whole group (Ctrl-C) or to npm alone; resolves once every process of the group is gone. */
  stop(signal: NodeJS.Signals, target: 'group' | 'npm'): Promise<void>;
}

/** True while any process is left in the process group. */
const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export const startLocal = async (env: Record<string, string>, timeoutMs = 90_000, logLevel = 'WARN'): Promise<LocalProcess> => {
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: logLevel },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /API\s+(http:\/\/\S+)/.exec(output)?.[1];
  const adminKey = /Admin key\s+(xbk_\S+)/.exec(output)?.[1];
  if (!url || !adminKey) throw new Error(`banner not understood:\n${output}`);
  const pid = /DynamoDB Local pid (\d+)/.exec(output)?.[1];
  return {
    child,
    url,
    adminKey,
    dynamoPid: pid ? Number(pid) : undefined,
    output: () => output,
    stop: async (signal, target) => {
      const pgid = child.pid;
      if (pgid === undefined) return;
      process.kill(target === 'group' ? -pgid : pgid, signal);
      for (let waited = 0; groupAlive(pgid); waited += 100) {
        if (waited > 20_000) {
          process.kill(-pgid, 'SIGKILL');
          throw new Error(`processes left behind after ${signal}:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
};

/** Runs an npm script as a newcomer would (`npm run --silent <script> -- ...args`). */
export const runNpmScript = (script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });

/**
 * `npm start` as the guides in docs/ use it: its own DATA_DIR (so `stripe:pay` finds
 * the stand-in and its keys there), Stripe stand-in, on the shared DynamoDB Local.
 */
export const startWalkThrough = async (
  prefix: string,
  dynamoEndpoint: string,
  tableName: string,
): Promise<{ local: LocalProcess; dataDir: string; finish(): Promise<void> }> => {
  const dataDir = mkdtempSync(join(tmpdir(), `xborder-${prefix}-`));
  // Handlers log at DEBUG here: the journeys' log output is scanned for PII and secrets.
  const local = await startLocal({ DATA_DIR: dataDir, DYNAMODB_ENDPOINT: dynamoEndpoint, TABLE_NAME: tableName, ADMIN_API_KEY: '', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' }, 90_000, 'DEBUG');
  return {
    local,
    dataDir,
    finish: async () => {
      await local.stop('SIGTERM', 'npm');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** `npm run stripe:pay -- <orderId>` against such a runtime. */
export const stripePay = (orderId: string, walk: { local: LocalProcess; dataDir: string }) =>
  runNpmScript('stripe:pay', [orderId], { DATA_DIR: walk.dataDir, API_URL: walk.local.url, STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '', STRIPE_API_BASE: '' });

/**
 * The structured log output after the banner (which prints the admin key and the
 * generated webhook secret on purpose): what would reach CloudWatch on AWS.
 */
export const logOutput = (local: LocalProcess): string => {
  const output = local.output();
  const bannerEnd = output.indexOf('Ctrl-C stops everything');
  return bannerEnd === -1 ? output : output.slice(bannerEnd);
};

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const secretPatterns = [/xbk_[A-Za-z0-9_-]{20,}/, /whsec_[A-Za-z0-9+/=]{20,}/, /sk_(test|live)_[A-Za-z0-9]+/, /pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/];

/** Throws with the offending line when a log line carries an e-mail address, a secret or one of `known` values. */
export const assertNoPiiOrSecretsInLogs = (local: LocalProcess, known: readonly string[] = []): { lines: number } => {
  const lines = logOutput(local).split('\n').filter((line) => line.trim().startsWith('{'));
  for (const line of lines) {
    const hit = [emailPattern, ...secretPatterns].find((p) => p.test(line)) ?? known.find((k) => k !== '' && line.includes(k));
    if (hit) throw new Error(`a log line leaks ${String(hit)}: ${line.slice(0, 300)}`);
  }
  return { lines: lines.length };
};
