/**
 * How local tools find a running `npm start` without guessing its PORT or DATA_DIR: each
 * runtime writes one file (owner-only) into a per-user directory, named by its port, and
 * removes it when it stops. A file whose process is gone (a crash) is ignored and cleaned up.
 * It holds the Stripe stand-in's address and key (offline test values), never the admin key.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';

export const discoveredRuntime = z.object({
  pid: z.number().int().positive(),
  apiUrl: z.string().url(),
  /** Absolute path, or 'memory'. */
  dataDir: z.string(),
  startedAt: z.string(),
  stripe: z.object({ url: z.string().url(), secretKey: z.string() }).optional(),
});
export type DiscoveredRuntime = z.infer<typeof discoveredRuntime>;

/** XBORDER_RUNTIME_DIR, else a per-user directory under the system's temporary directory. */
export const discoveryDir = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  env.XBORDER_RUNTIME_DIR || join(tmpdir(), `xborder-local-${userInfo().uid}`);

const fileFor = (dir: string, apiUrl: string): string => join(dir, `runtime-${new URL(apiUrl).port || '80'}.json`);

export const announceRuntime = (entry: DiscoveredRuntime, dir = discoveryDir()): (() => void) => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = fileFor(dir, entry.apiUrl);
  writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
  return () => {
    // Only our own entry: a newer runtime on the same port may have replaced it.
    const current = readEntry(file);
    if (current?.pid === entry.pid) rmSync(file, { force: true });
  };
};

const readEntry = (file: string): DiscoveredRuntime | undefined => {
  try {
    const parsed = discoveredRuntime.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The runtimes running now (their process exists), oldest first; stale entries are removed. */
export const runningRuntimes = (dir = discoveryDir()): DiscoveredRuntime[] => {
  if (!existsSync(dir)) return [];
  const found: DiscoveredRuntime[] = [];
  for (const name of readdirSync(dir).filter((n) => /^runtime-\d+\.json$/.test(n))) {
    const entry = readEntry(join(dir, name));
    if (entry && alive(entry.pid)) found.push(entry);
    else if (entry) rmSync(join(dir, name), { force: true });
  }
  return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
};
