import { eventCatalogue } from '../../../events/catalogue.js';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { putEventsBatches, putEventsEntrySize, putEventsLimits, relay, type RelayItem, type RelayOptions } from '../../../functions/platform/relay.js';
import { OutboxEventTooLargeError, outboxDetailLimitBytes, outboxEvent } from '../../../functions/shared/outbox.js';

const noWait: RelayOptions = { attempts: 3, backoffMs: () => 0, sleep: async () => undefined };
const time = new Date('2026-11-01T00:00:00Z');

/** An entry of exactly `bytes` bytes as EventBridge counts them (Time 14 + Source + DetailType + Detail). */
const sized = (n: number, bytes: number): RelayItem => {
  const fixed = 14 + 's'.length + `T${n}`.length + '{"p":""}'.length;
  // Multi-byte padding: the size is in UTF-8 bytes, not characters.
  const pad = 'é'.repeat(Math.floor((bytes - fixed) / 2)) + 'x'.repeat((bytes - fixed) % 2);
  return { id: String(n).padStart(5, '0'), entry: { Source: 's', DetailType: `T${n}`, Detail: `{"p":"${pad}"}`, Time: time } };
};

const totalSize = (entries: readonly PutEventsRequestEntry[]): number => entries.reduce((sum, e) => sum + putEventsEntrySize(e), 0);

describe('PutEvents entry size (EventBridge: Time 14 bytes + UTF-8 bytes of Source, DetailType, Detail, Resources)', () => {
  it('counts UTF-8 bytes, Time only when present, and every resource', () => {
    expect(putEventsEntrySize({ Source: 'src', DetailType: 'Type', Detail: '{"a":"€"}' })).toBe(3 + 4 + 11);
    expect(putEventsEntrySize({ Source: 'src', DetailType: 'Type', Detail: '{}', Time: time })).toBe(14 + 3 + 4 + 2);
    expect(putEventsEntrySize({ Source: 'src', DetailType: 'Type', Resources: ['arn:1', '订单'] })).toBe(3 + 4 + 5 + 6);
    expect(putEventsEntrySize(sized(7, 1000).entry)).toBe(1000);
  });
});

describe('relay batching by count and by size', () => {
  it('starts a new call before the entries of one call reach 256 KB, even with fewer than ten entries', async () => {
    const items = Array.from({ length: 6 }, (_, i) => sized(i, 100 * 1024));
    const calls: PutEventsRequestEntry[][] = [];
    const outcome = await relay(
      items,
      async (entries) => {
        calls.push(entries);
        return { Entries: entries.map((_, i) => ({ EventId: `e${i}` })) };
      },
      noWait,
    );
    expect(calls.map((c) => c.length)).toEqual([2, 2, 2]);
    for (const call of calls) expect(totalSize(call)).toBeLessThan(putEventsLimits.totalEntryBytesBelow);
    expect(outcome).toEqual({ published: 6, failedAttempts: 0, failed: [] });
  });

  it('packs up to just under the limit, and never more than ten entries', () => {
    const limit = putEventsLimits.totalEntryBytesBelow;
    const exact = putEventsBatches([sized(1, limit / 2), sized(2, limit / 2 - 1), sized(3, 100)]);
    expect(exact.batches.map((b) => b.map((i) => i.id))).toEqual([['00001', '00002'], ['00003']]);
    const reaching = putEventsBatches([sized(1, limit / 2), sized(2, limit / 2)]);
    expect(reaching.batches.map((b) => b.length)).toEqual([1, 1]);
    const small = putEventsBatches(Array.from({ length: 25 }, (_, i) => sized(i, 200)));
    expect(small.batches.map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('never sends an entry that alone reaches 256 KB, reports it failed, and still relays the rest in order', async () => {
    const huge = sized(2, putEventsLimits.totalEntryBytesBelow);
    const sent: string[] = [];
    const outcome = await relay(
      [sized(1, 100), huge, sized(3, 100)],
      async (entries) => {
        sent.push(...entries.map((e) => String(e.DetailType)));
        return { Entries: entries.map((_, i) => ({ EventId: `e${i}` })) };
      },
      noWait,
    );
    expect(sent).toEqual(['T1', 'T3']);
    expect(outcome.published).toBe(2);
    expect(outcome.failed.map((f) => f.id)).toEqual(['00002']);
  });
});

describe('outbox event size', () => {
  const data = (createdBy: string) => ({ keyId: 'key_1', role: 'finance' as const, tenantId: null, createdBy, createdAt: '2026-11-01T00:00:00.000Z' });

  it('refuses an event whose detail is over the outbox limit, so the original write fails', () => {
    expect(() => outboxEvent(eventCatalogue.ApiKeyCreated, data('字'.repeat(outboxDetailLimitBytes / 3 + 10)), { correlationId: 'c' })).toThrow(
      OutboxEventTooLargeError,
    );
    try {
      outboxEvent(eventCatalogue.ApiKeyCreated, data('x'.repeat(outboxDetailLimitBytes)), { correlationId: 'c' });
    } catch (error) {
      expect(error).toMatchObject({ name: 'OutboxEventTooLargeError', detailType: 'ApiKeyCreated', limitBytes: outboxDetailLimitBytes });
      expect((error as OutboxEventTooLargeError).bytes).toBeGreaterThan(outboxDetailLimitBytes);
    }
    expect.assertions(3);
  });

  it('accepts an event just under the limit, and such an event fits in one PutEvents call', () => {
    const item = outboxEvent(eventCatalogue.ApiKeyCreated, data('x'.repeat(outboxDetailLimitBytes - 400)), { correlationId: 'c' });
    expect(Buffer.byteLength(item.detail)).toBeLessThanOrEqual(outboxDetailLimitBytes);
    const entry = { Source: item.source, DetailType: item.detailType, Detail: item.detail, Time: new Date(item.occurredAt) };
    expect(putEventsEntrySize(entry)).toBeLessThan(putEventsLimits.totalEntryBytesBelow);
  });
});
