import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadLetterStore } from '../../../lib/local/dead-letters.js';
import { LocalEventBus } from '../../../lib/local/event-bus.js';
import { manifest } from '../../../lib/manifest.js';

// An event the local bus accepted is not lost when the process dies before its target ran:
// like EventBridge's hand-off to a Lambda target's async queue, the delivery is journaled in
// DATA_DIR before PutEvents answers and retried by the next process (`resume()`).
const rule = manifest.rules[0];
if (!rule) throw new Error('the manifest has no rules');
const entry = (n: number) => ({ Source: rule.source[0], DetailType: rule.detailTypes[0], Detail: JSON.stringify({ n }) });
const rulesMatching = manifest.rules.filter((r) => (r.source as readonly string[]).includes(rule.source[0] ?? '') && (r.detailTypes as readonly string[]).includes(rule.detailTypes[0] ?? ''));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xborder-bus-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const files = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('local event bus: accepted deliveries survive a crash', () => {
  it('journals each delivery before answering, and a new process delivers each exactly once after resume()', async () => {
    // The first process accepts three events, then "dies" with its targets still running.
    const crashed = new LocalEventBus({ busName: 'b', manifest, deadLetters: new DeadLetterStore(), invoke: () => new Promise(() => undefined), journalDir: dir });
    for (const n of [1, 2, 3]) expect(crashed.put(entry(n))).toHaveProperty('EventId');
    expect(files()).toHaveLength(3 * rulesMatching.length);

    const delivered: Array<{ target: string; n: unknown }> = [];
    const restarted = new LocalEventBus({
      busName: 'b',
      manifest,
      deadLetters: new DeadLetterStore(),
      invoke: async (target, event) => void delivered.push({ target, n: (event as { detail: { n: unknown } }).detail.n }),
      journalDir: dir,
    });
    expect(restarted.resume()).toBe(3 * rulesMatching.length);
    await restarted.idle();
    expect(delivered.filter((d) => d.target === rule.target).map((d) => d.n).sort()).toEqual([1, 2, 3]);
    expect(delivered).toHaveLength(3 * rulesMatching.length);
    expect(files()).toEqual([]);
    // Nothing is left to resume: a second restart delivers nothing again.
    expect(restarted.resume()).toBe(0);
  });

  it('removes a delivery from the journal once dead-lettered, and keeps the attempts made across a restart', async () => {
    const deadLetters = new DeadLetterStore();
    let calls = 0;
    const failing = new LocalEventBus({
      busName: 'b',
      manifest,
      deadLetters,
      retryBaseMs: 1,
      invoke: async () => {
        calls += 1;
        throw new Error('consumer down');
      },
      journalDir: dir,
    });
    failing.put(entry(7));
    await failing.idle();
    expect(files()).toEqual([]);
    expect(deadLetters.list().filter((l) => l.target === rule.target)).toHaveLength(1);
    expect(calls).toBe(3 * rulesMatching.length);
  });

  it('keeps nothing on disk in memory mode (no journal directory)', async () => {
    const bus = new LocalEventBus({ busName: 'b', manifest, deadLetters: new DeadLetterStore(), invoke: async () => undefined });
    bus.put(entry(1));
    await bus.idle();
    expect(bus.resume()).toBe(0);
    expect(files()).toEqual([]);
  });
});
