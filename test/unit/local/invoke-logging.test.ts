import { jest } from '@jest/globals';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Invoke } from '../../../lib/local/invoke.js';
import type { Manifest } from '../../../lib/manifest.js';

// The local runtime serves every function in one process, concurrently, with one Powertools
// logger: each invocation's log lines must still carry its own function's context (as on
// Lambda, where each function has its own environment), never another one's.
const entry = 'test/unit/local/fixtures/logging-handler.ts';
const testManifest: Manifest = {
  functions: {
    stripeWebhook: { entry, description: 'logs slowly', table: 'none' },
    listAuditEvents: { entry, description: 'logs quickly', table: 'none' },
  },
  routes: [],
  rules: [],
  streams: [],
  schedules: [],
};

let invoke: Invoke;
let logger: Logger;
const quiet = process.env.POWERTOOLS_LOG_LEVEL;
beforeAll(async () => {
  // The logger reads its level when created (and goes back to it on each invocation): INFO here.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  ({ logger } = await import('../../../functions/shared/observability.js'));
  const { loadHandlers } = await import('../../../lib/local/invoke.js');
  invoke = await loadHandlers(testManifest);
});
afterAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = quiet;
});

describe('local invoke: logs of concurrent invocations', () => {
  it('each line names the function (and keys) of the invocation that wrote it', async () => {
    // Powertools writes each line through its own Console: capture what reaches it.
    const sink = (logger as unknown as { console: Record<'info' | 'error', (line: string) => void> }).console;
    const lines: string[] = [];
    const spies = (['info', 'error'] as const).map((method) => jest.spyOn(sink, method).mockImplementation((line: string) => void lines.push(line)));
    try {
      // Interleaved: the slow ones start first and log their error after the quick ones started and finished.
      await Promise.all([
        invoke('stripeWebhook', { label: 'slow-1', sleepMs: 60 }),
        invoke('listAuditEvents', { label: 'quick-1', sleepMs: 5 }),
        invoke('stripeWebhook', { label: 'slow-2', sleepMs: 40 }),
        invoke('listAuditEvents', { label: 'quick-2', sleepMs: 1 }),
      ]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const logs = lines.map((line) => JSON.parse(line) as { function_name?: string; label?: string; function_request_id?: string; message: string });
    expect(logs).toHaveLength(8);
    for (const log of logs) {
      expect(log.function_name).toBe(log.label?.startsWith('slow') ? 'stripeWebhook' : 'listAuditEvents');
    }
    // One request id per invocation, shared by its two lines only.
    const byLabel = new Map<string, Set<string | undefined>>();
    for (const log of logs) byLabel.set(log.label ?? '', (byLabel.get(log.label ?? '') ?? new Set()).add(log.function_request_id));
    expect([...byLabel.values()].map((ids) => ids.size)).toEqual([1, 1, 1, 1]);
    expect(new Set([...byLabel.values()].flatMap((ids) => [...ids])).size).toBe(4);
  });
});
