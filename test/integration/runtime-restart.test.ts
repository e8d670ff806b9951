import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestRuntime } from '../support/runtime.js';

// What an operator or a crash leaves in DATA_DIR is picked up by the next start on it:
// the moved business clock, and deliveries the local bus accepted but had not finished.

const stateDir = mkdtempSync(join(tmpdir(), 'xborder-restart-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const clock = async (url: string, adminKey: string, to?: string): Promise<{ now: string; offsetMs: number }> => {
  const reply = await fetch(`${url}/local/clock`, {
    method: to ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    ...(to ? { body: JSON.stringify({ to }) } : {}),
  });
  expect(reply.status).toBe(200);
  return (await reply.json()) as { now: string; offsetMs: number };
};

describe('local runtime restart on the same DATA_DIR', () => {
  it('keeps the moved business clock', async () => {
    const before = await startTestRuntime('restartclock', { stateDir });
    const moved = await clock(before.runtime.url, before.adminKey, '2031-01-02T00:00:00Z');
    expect(moved.now.startsWith('2031-01-02')).toBe(true);
    await before.stop();
    process.env.CLOCK_OFFSET_MS = '0'; // a new process starts without it

    const after = await startTestRuntime('restartclock', { stateDir });
    try {
      const kept = await clock(after.runtime.url, after.adminKey);
      expect(kept.offsetMs).toBe(moved.offsetMs);
      expect(kept.now.startsWith('2031-01-02')).toBe(true);
      expect(process.env.CLOCK_OFFSET_MS).toBe(String(moved.offsetMs));
    } finally {
      await after.stop();
    }
  }, 60_000);

  it('refuses a clock body that is not JSON with 400, not 500', async () => {
    const rt = await startTestRuntime('restartclock', { stateDir });
    try {
      const reply = await fetch(`${rt.runtime.url}/local/clock`, { method: 'POST', headers: { authorization: `Bearer ${rt.adminKey}` }, body: '{nope' });
      expect(reply.status).toBe(400);
    } finally {
      await rt.stop();
    }
    expect(readdirSync(join(stateDir, 'bus-deliveries'))).toEqual([]);
  }, 60_000);
});
