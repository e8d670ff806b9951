import fc from 'fast-check';
import {
  applyToHead,
  bookedHead,
  futureToleranceMs,
  isShippedStatus,
  isTerminalStatus,
  mergeTimeline,
  partnerWebhookBody,
  partnerWebhookEnvelope,
  projectTimeline,
  sortEvents,
  terminalStatuses,
  timelineEventOf,
  trackingStatuses,
} from '../../../functions/logistics/tracking.js';
import type { Flight, TimelineEvent, TrackingStatus } from '../../../functions/logistics/tracking.js';

const at = (hour: number, minute = 0): string => new Date(Date.UTC(2025, 8, 1, hour, minute)).toISOString();

const ev = (eventId: string, status: TrackingStatus, occurredAt: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
  eventId,
  status,
  occurredAt,
  ...extra,
});

const ca123: Flight = { number: 'CA123', origin: 'PVG', destination: 'LAX' };
const cx880: Flight = { number: 'CX880', origin: 'HKG', destination: 'LAX' };

describe('statuses', () => {
  it('lists the lifecycle in order with delivered and returned terminal', () => {
    expect(trackingStatuses).toEqual([
      'label_created',
      'picked_up',
      'export_cleared',
      'departed',
      'arrived',
      'customs_hold',
      'import_cleared',
      'out_for_delivery',
      'delivery_failed',
      'delivered',
      'exception',
      'returned',
    ]);
    expect([...terminalStatuses]).toEqual(['delivered', 'returned']);
    expect(trackingStatuses.filter(isTerminalStatus)).toEqual(['delivered', 'returned']);
  });

  it('counts every status but label_created as shipped', () => {
    expect(trackingStatuses.filter((status) => !isShippedStatus(status))).toEqual(['label_created']);
    expect(isShippedStatus('picked_up')).toBe(true);
    expect(isShippedStatus('exception')).toBe(true);
    expect(isShippedStatus('delivery_failed')).toBe(true);
  });
});

describe('projectTimeline (hand cases)', () => {
  it('projects no events onto an empty shipment', () => {
    expect(projectTimeline([])).toEqual({ status: null, timeline: [], currentFlight: null, lastEventAt: null, terminal: false });
  });

  it('orders an out-of-order batch by occurredAt and takes the latest status', () => {
    const result = projectTimeline([
      ev('e3', 'departed', at(12), { flight: ca123 }),
      ev('e1', 'label_created', at(8)),
      ev('e4', 'arrived', at(23), { flight: ca123, location: { country: 'US', city: 'Los Angeles', iata: 'LAX' } }),
      ev('e2', 'picked_up', at(9)),
    ]);
    expect(result.timeline.map((event) => event.eventId)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(result.status).toBe('arrived');
    expect(result.lastEventAt).toBe(at(23));
    expect(result.terminal).toBe(false);
  });

  it('breaks occurredAt ties by eventId', () => {
    const result = projectTimeline([ev('b', 'export_cleared', at(10)), ev('a', 'picked_up', at(10))]);
    expect(result.timeline.map((event) => event.eventId)).toEqual(['a', 'b']);
    expect(result.status).toBe('export_cleared');
  });

  it('keeps one event per eventId within a batch', () => {
    const pickup = ev('e1', 'picked_up', at(9), { location: { country: 'CN', city: 'Shanghai' } });
    const result = projectTimeline([pickup, { ...pickup }, ev('e2', 'export_cleared', at(11)), pickup]);
    expect(result.timeline).toEqual([pickup, ev('e2', 'export_cleared', at(11))]);
  });

  it('keeps one event per eventId across batches', () => {
    const first = projectTimeline([ev('e1', 'picked_up', at(9)), ev('e2', 'export_cleared', at(11))]);
    const second = mergeTimeline(first.timeline, [ev('e2', 'export_cleared', at(11)), ev('e3', 'departed', at(12), { flight: ca123 })]);
    expect(second.timeline.map((event) => event.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(second.status).toBe('departed');
  });

  it('chooses between conflicting copies of an eventId by content, not by arrival order', () => {
    const early = ev('e1', 'picked_up', at(9));
    const late = ev('e1', 'picked_up', at(10));
    expect(projectTimeline([late, early]).timeline).toEqual([early]);
    expect(projectTimeline([early, late]).timeline).toEqual([early]);
  });

  it('never moves a delivered shipment back when older events arrive late', () => {
    const delivered = projectTimeline([ev('e1', 'picked_up', at(9)), ev('e5', 'delivered', at(20))]);
    expect(delivered.status).toBe('delivered');
    const late = mergeTimeline(delivered.timeline, [
      ev('e3', 'departed', at(12), { flight: ca123 }),
      ev('e4', 'out_for_delivery', at(18)),
    ]);
    expect(late.status).toBe('delivered');
    expect(late.terminal).toBe(true);
    expect(late.timeline.map((event) => event.eventId)).toEqual(['e1', 'e3', 'e4', 'e5']);
  });

  it('keeps the first terminal status even when later events follow it', () => {
    const result = projectTimeline([
      ev('e1', 'out_for_delivery', at(8)),
      ev('e2', 'delivered', at(10)),
      ev('e3', 'exception', at(11), { description: 'scan after delivery' }),
      ev('e4', 'returned', at(12)),
    ]);
    expect(result.status).toBe('delivered');
    expect(result.terminal).toBe(true);
    // The later events stay in the timeline; only the status is fixed.
    expect(result.timeline.map((event) => event.status)).toEqual(['out_for_delivery', 'delivered', 'exception', 'returned']);
    expect(result.lastEventAt).toBe(at(12));
  });

  it('follows statuses freely before the terminal event', () => {
    const result = projectTimeline([
      ev('e1', 'out_for_delivery', at(8)),
      ev('e2', 'delivery_failed', at(9)),
      ev('e3', 'out_for_delivery', at(10)),
    ]);
    expect(result.status).toBe('out_for_delivery');
    expect(result.terminal).toBe(false);
  });

  it('treats returned as terminal', () => {
    const result = projectTimeline([
      ev('e1', 'delivery_failed', at(8)),
      ev('e2', 'exception', at(9), { description: 'recipient refused' }),
      ev('e3', 'returned', at(15)),
      ev('e0', 'out_for_delivery', at(7)),
    ]);
    expect(result.status).toBe('returned');
    expect(result.terminal).toBe(true);
    const later = mergeTimeline(result.timeline, [ev('e4', 'out_for_delivery', at(16))]);
    expect(later.status).toBe('returned');
  });

  it('takes currentFlight from the latest air leg', () => {
    const result = projectTimeline([
      ev('e1', 'departed', at(8), { flight: ca123 }),
      ev('e2', 'arrived', at(10), { flight: ca123 }),
      ev('e4', 'arrived', at(20), { flight: cx880 }),
      ev('e3', 'departed', at(14), { flight: cx880 }),
      ev('e5', 'import_cleared', at(22), { flight: ca123 }), // not an air-leg status: ignored
      ev('e6', 'departed', at(23)), // a truck leg without a flight: ignored
    ]);
    expect(result.currentFlight).toEqual(cx880);
    expect(projectTimeline([ev('e1', 'picked_up', at(8))]).currentFlight).toBeNull();
  });

  it('returns fresh objects with a fixed key order', () => {
    const input = { description: 'd', occurredAt: at(8), status: 'picked_up', eventId: 'e1' } as const;
    const [event] = projectTimeline([input]).timeline;
    expect(event).not.toBe(input);
    expect(Object.keys(event ?? {})).toEqual(['eventId', 'status', 'occurredAt', 'description']);
  });
});

describe('partnerWebhookBody', () => {
  const event = {
    eventId: 'evt-1',
    trackingNumber: 'SF1234567890-CN',
    status: 'departed',
    occurredAt: '2025-09-01T08:30:00Z',
    location: { country: 'CN', city: 'Shanghai', iata: 'PVG' },
    flight: { number: 'CA123', origin: 'PVG', destination: 'LAX' },
    description: 'Departed Shanghai Pudong',
  };
  const paths = (body: unknown): string[] => {
    const result = partnerWebhookBody.safeParse(body);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('accepts a full event and normalises occurredAt to UTC', () => {
    expect(partnerWebhookBody.parse({ events: [event] })).toEqual({
      events: [{ ...event, occurredAt: '2025-09-01T08:30:00.000Z' }],
    });
  });

  it.each([
    ['2025-09-01T16:30:00+08:00', '2025-09-01T08:30:00.000Z'],
    ['2025-09-01T03:30:00-05:00', '2025-09-01T08:30:00.000Z'],
    ['2025-09-01T00:30:00.250-08:00', '2025-09-01T08:30:00.250Z'],
    ['2025-01-01T02:00:00+08:00', '2024-12-31T18:00:00.000Z'],
  ])('normalises the offset timestamp %s to %s', (input, utc) => {
    expect(partnerWebhookBody.parse({ events: [{ ...event, occurredAt: input }] }).events[0]?.occurredAt).toBe(utc);
  });

  it('accepts 1 to 100 events and refuses 0 or 101', () => {
    const batch = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ ...event, eventId: `evt-${i}` })) });
    expect(paths(batch(1))).toEqual([]);
    expect(paths(batch(100))).toEqual([]);
    expect(paths(batch(0))).toEqual(['events']);
    expect(paths(batch(101))).toEqual(['events']);
  });

  it.each([
    ['an unknown status', { status: 'lost' }, 'events.0.status'],
    ['a timestamp without offset', { occurredAt: '2025-09-01T08:30:00' }, 'events.0.occurredAt'],
    ['a date only', { occurredAt: '2025-09-01' }, 'events.0.occurredAt'],
    ['a lower-case IATA code', { location: { country: 'CN', iata: 'pvg' } }, 'events.0.location.iata'],
    ['a 4-letter IATA code', { location: { country: 'CN', iata: 'ZSPD' } }, 'events.0.location.iata'],
    ['a 2-letter flight origin', { flight: { number: 'CA123', origin: 'PV', destination: 'LAX' } }, 'events.0.flight.origin'],
    ['a numeric flight destination', { flight: { number: 'CA123', origin: 'PVG', destination: '123' } }, 'events.0.flight.destination'],
    ['a flight number that is no designator', { flight: { number: 'CA-123', origin: 'PVG', destination: 'LAX' } }, 'events.0.flight.number'],
    ['a 3-letter country', { location: { country: 'CHN' } }, 'events.0.location.country'],
    ['a tracking number with a space', { trackingNumber: 'SF 1' }, 'events.0.trackingNumber'],
    ['a 65-character tracking number', { trackingNumber: 'A'.repeat(65) }, 'events.0.trackingNumber'],
    ['an empty eventId', { eventId: '' }, 'events.0.eventId'],
    ['a 129-character eventId', { eventId: 'e'.repeat(129) }, 'events.0.eventId'],
    ['a 501-character description', { description: 'x'.repeat(501) }, 'events.0.description'],
  ])('refuses %s', (_name, change, path) => {
    expect(paths({ events: [{ ...event, ...change }] })).toEqual([path]);
  });

  it.each([
    ['cx 880', 'CX880'],
    ['CX 880', 'CX880'],
    ['CX880', 'CX880'],
    [' mu  583a ', 'MU583A'],
  ])('normalises the flight designator %j to %s', (number, normalised) => {
    const parsed = partnerWebhookBody.parse({ events: [{ ...event, flight: { ...event.flight, number } }] });
    expect(parsed.events[0]?.flight?.number).toBe(normalised);
  });

  it('accepts the limits', () => {
    expect(
      paths({ events: [{ ...event, eventId: 'e'.repeat(128), trackingNumber: 'A'.repeat(64), description: 'x'.repeat(500) }] }),
    ).toEqual([]);
  });

  it('needs only eventId, trackingNumber, status and occurredAt, and drops unknown fields', () => {
    const parsed = partnerWebhookBody.parse({
      events: [{ eventId: 'e', trackingNumber: 'T1', status: 'picked_up', occurredAt: '2025-09-01T08:30:00Z', carrierCode: 'X' }],
    });
    expect(parsed.events).toEqual([{ eventId: 'e', trackingNumber: 'T1', status: 'picked_up', occurredAt: '2025-09-01T08:30:00.000Z' }]);
    const [first] = parsed.events;
    expect(first && timelineEventOf(first)).toEqual({ eventId: 'e', status: 'picked_up', occurredAt: '2025-09-01T08:30:00.000Z' });
  });
});

describe('sortEvents (per-event validation)', () => {
  const now = new Date('2025-09-01T10:00:00.000Z');
  const good = (i: number, extra: Record<string, unknown> = {}) => ({
    eventId: `e${i}`,
    trackingNumber: 'SF1',
    status: 'picked_up',
    occurredAt: '2025-09-01T08:00:00Z',
    ...extra,
  });

  it('keeps the good events of a batch and lists each bad one with its index, eventId, code and fields', () => {
    const batch = [
      good(0),
      good(1, { status: 'lost' }),
      good(2, { flight: { number: 'cx 880', origin: 'HKG', destination: 'LAX' }, status: 'departed' }),
      'not an event',
      good(4, { eventId: '' }),
      good(5),
    ];
    const { events, rejected } = sortEvents(batch, now);
    expect(events.map((e) => e.eventId)).toEqual(['e0', 'e2', 'e5']);
    expect(events[1]?.flight?.number).toBe('CX880');
    expect(rejected).toEqual([
      { index: 1, eventId: 'e1', code: 'validation_failed', errors: [{ path: 'events.1.status', message: expect.any(String) }] },
      { index: 3, code: 'validation_failed', errors: [{ path: 'events.3', message: expect.any(String) }] },
      { index: 4, code: 'validation_failed', errors: [{ path: 'events.4.eventId', message: expect.any(String) }] },
    ]);
  });

  it('refuses an event stamped more than 15 minutes ahead of the clock, and takes one at the limit', () => {
    const batch = [
      good(0, { occurredAt: '2025-09-01T10:15:00Z' }),
      good(1, { occurredAt: '2025-09-01T10:15:00.001Z' }),
      good(2, { occurredAt: '2025-09-01T18:00:00+08:00' }), // 10:00 UTC: fine
      good(3, { occurredAt: '2025-09-01T18:00:00Z' }), // Beijing time labelled Z: 8 hours ahead
    ];
    const { events, rejected } = sortEvents(batch, now);
    expect(events.map((e) => e.eventId)).toEqual(['e0', 'e2']);
    expect(rejected.map((r) => [r.index, r.eventId, r.code, r.errors?.[0]?.path])).toEqual([
      [1, 'e1', 'occurred_at_in_future', 'events.1.occurredAt'],
      [3, 'e3', 'occurred_at_in_future', 'events.3.occurredAt'],
    ]);
  });

  it('leaves envelope problems to the envelope: 1 to 100 events of anything', () => {
    expect(partnerWebhookEnvelope.safeParse({ events: [1, null, 'x'] }).success).toBe(true);
    expect(partnerWebhookEnvelope.safeParse({ events: [] }).success).toBe(false);
    expect(partnerWebhookEnvelope.safeParse({ events: Array.from({ length: 101 }, () => ({})) }).success).toBe(false);
    expect(partnerWebhookEnvelope.safeParse({ events: {} }).success).toBe(false);
    expect(partnerWebhookEnvelope.safeParse(null).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Properties

const base = Date.UTC(2025, 8, 1);
// A few distinct instants (and a small id pool) so ties and id collisions are common.
const instantArb = fc.integer({ min: 0, max: 40 }).map((n) => new Date(base + n * 15 * 60_000).toISOString());
const airportArb = fc.constantFrom('PVG', 'HKG', 'LAX', 'MFM', 'JFK');
const flightArb = fc.record({ number: fc.constantFrom('CA123', 'CX880', 'MU583'), origin: airportArb, destination: airportArb });
const locationArb = fc.record(
  { country: fc.constantFrom('CN', 'US', 'HK', 'MO'), city: fc.constantFrom('Shanghai', 'Los Angeles'), iata: airportArb },
  { requiredKeys: ['country'] },
);
const eventArb: fc.Arbitrary<TimelineEvent> = fc.record(
  {
    eventId: fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `evt-${i}`)),
    status: fc.constantFrom(...trackingStatuses),
    occurredAt: instantArb,
    location: locationArb,
    flight: flightArb,
    description: fc.constantFrom('', 'scan', 'handed over'),
  },
  { requiredKeys: ['eventId', 'status', 'occurredAt'] },
);
const eventsArb = fc.array(eventArb, { maxLength: 25 });

/** The same events in another order, some of them several times (copies with their keys in reverse order). */
const variantOf = (events: readonly TimelineEvent[]): fc.Arbitrary<TimelineEvent[]> =>
  fc.array(fc.nat(), { maxLength: 10 }).chain((picks) => {
    const copies = events.length === 0 ? [] : picks.map((i) => events[i % events.length]!);
    const reversed = copies.map((event) => Object.fromEntries(Object.entries(event).reverse()) as unknown as TimelineEvent);
    const all = [...events, ...reversed];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });

const compare = (a: TimelineEvent, b: TimelineEvent): number =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;

describe('projectTimeline (properties)', () => {
  it('does not depend on order or duplication', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) => fc.tuple(fc.constant(events), variantOf(events))),
        ([events, variant]) => {
          expect(projectTimeline(variant)).toEqual(projectTimeline(events));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives a sorted timeline with one event per input eventId', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const { timeline, lastEventAt } = projectTimeline(events);
        const ids = timeline.map((event) => event.eventId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
        for (let i = 1; i < timeline.length; i += 1) expect(compare(timeline[i - 1]!, timeline[i]!)).toBeLessThan(0);
        expect(lastEventAt).toBe(timeline.map((event) => event.occurredAt).sort().at(-1) ?? null);
        // Of several events with one id, the earliest is kept.
        for (const kept of timeline) {
          const copies = events.filter((event) => event.eventId === kept.eventId).map((event) => event.occurredAt);
          expect(kept.occurredAt).toBe(copies.sort()[0]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fixes the status at the first terminal event in time, else takes the latest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(eventArb, { selector: (event) => event.eventId, maxLength: 12 }), (events) => {
        const sorted = [...events].sort(compare);
        const firstTerminal = sorted.find((event) => isTerminalStatus(event.status));
        const result = projectTimeline(events);
        expect(result.status).toBe(firstTerminal ? firstTerminal.status : (sorted.at(-1)?.status ?? null));
        expect(result.terminal).toBe(firstTerminal !== undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('takes currentFlight from the latest departed/arrived event with a flight', () => {
    fc.assert(
      fc.property(fc.uniqueArray(eventArb, { selector: (event) => event.eventId, maxLength: 12 }), (events) => {
        const legs = [...events].sort(compare).filter((event) => event.flight && (event.status === 'departed' || event.status === 'arrived'));
        expect(projectTimeline(events).currentFlight).toEqual(legs.at(-1)?.flight ?? null);
      }),
    );
  });

  it('merges batches as if they had arrived together, whatever the split', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) => fc.tuple(fc.constant(events), fc.nat({ max: events.length }))),
        ([events, split]) => {
          const a = events.slice(0, split);
          const b = events.slice(split);
          const together = projectTimeline([...a, ...b]);
          expect(mergeTimeline(a, b)).toEqual(together);
          // Incremental use: the stored timeline of the first batch, then the second.
          expect(mergeTimeline(projectTimeline(a).timeline, b)).toEqual(together);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never moves a terminal shipment back, whatever new events arrive later', () => {
    // New events: ids the shipment has not seen (the webhook handler drops seen ids before merging).
    const laterArb = fc.array(
      eventArb.map((event) => ({ ...event, eventId: `late-${event.eventId}` })),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(eventsArb, laterArb, (first, later) => {
        const before = projectTimeline(first);
        fc.pre(before.terminal);
        const after = mergeTimeline(before.timeline, later);
        expect(after.terminal).toBe(true);
        if (!later.some((event) => isTerminalStatus(event.status))) expect(after.status).toBe(before.status);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the head join and per-event intake (properties: skew, future stamps, rejection)', () => {
  const now = new Date(base + 20 * 15 * 60_000);
  /** Stamps around `now`: the past, within the 15-minute tolerance, and well beyond it (a carrier's Beijing time labelled Z). */
  const skewedInstantArb = fc.oneof(
    instantArb,
    fc.integer({ min: -5, max: 15 }).map((m) => new Date(now.getTime() + m * 60_000).toISOString()),
    fc.integer({ min: 16, max: 8 * 60 }).map((m) => new Date(now.getTime() + m * 60_000).toISOString()),
  );
  const rawEventArb = fc.oneof(
    { weight: 6, arbitrary: eventArb.chain((event) => skewedInstantArb.map((occurredAt) => ({ ...event, trackingNumber: 'SF1', occurredAt }))) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', { eventId: 'bad', status: 'lost' }, { eventId: 'evt-0', trackingNumber: 'SF 1' }) },
  );
  const fold = (batches: ReadonlyArray<readonly TimelineEvent[]>) => batches.reduce((head, batch) => applyToHead(head, batch), bookedHead);
  const splitsOf = <T>(items: readonly T[]): fc.Arbitrary<T[][]> =>
    fc.array(fc.nat({ max: Math.max(0, items.length) }), { maxLength: 4 }).map((cuts) => {
      const points = [0, ...[...cuts].sort((a, b) => a - b), items.length];
      return points.slice(1).map((end, i) => items.slice(points[i], end));
    });

  it('refuses every event stamped more than 15 minutes ahead, rejects only invalid or future ones, keeps the rest in order', () => {
    fc.assert(
      fc.property(fc.array(rawEventArb, { maxLength: 30 }), (raw) => {
        const { events, rejected } = sortEvents(raw, now);
        expect(events.length + rejected.length).toBe(raw.length);
        for (const event of events) expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(now.getTime() + futureToleranceMs);
        for (const r of rejected) {
          const candidate = raw[r.index];
          expect(partnerWebhookBody.shape.events.def.element.safeParse(candidate).success).toBe(r.code === 'occurred_at_in_future');
          expect(r.errors?.length).toBeGreaterThan(0);
        }
        const kept = raw.filter((_, i) => !rejected.some((r) => r.index === i));
        expect(events.map((e) => e.eventId)).toEqual(kept.map((e) => (e as { eventId: string }).eventId));
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });

  it('gives the same head for any order, split and duplication of the same events (with at most one terminal event)', () => {
    const setArb = fc
      .uniqueArray(eventArb, { selector: (event) => event.eventId, maxLength: 12 })
      .map((events) => {
        const firstTerminal = events.findIndex((e) => isTerminalStatus(e.status));
        return events.filter((e, i) => !isTerminalStatus(e.status) || i === firstTerminal);
      });
    fc.assert(
      fc.property(
        setArb.chain((events) => fc.tuple(fc.constant(events), variantOf(events).chain((variant) => splitsOf(variant)))),
        ([events, batches]) => {
          const together = applyToHead(bookedHead, events);
          expect(fold(batches)).toEqual(together);
          // The head agrees with the projection of the whole timeline (the public answer).
          const projection = projectTimeline(events);
          expect(together.status).toBe(projection.status ?? 'label_created');
          expect(together.terminal).toBe(projection.terminal);
          expect(together.currentFlight).toEqual(projection.currentFlight);
          expect(together.lastEventAt).toBe(projection.lastEventAt);
          // Re-applying what it already holds changes nothing (a retried batch).
          for (const batch of batches) expect(applyToHead(together, batch)).toEqual(together);
        },
      ),
      { numRuns: 400, seed: 20261203 },
    );
  });

  it('lets a terminal event win whatever its stamp (clock skew), and nothing move the head away from it afterwards', () => {
    fc.assert(
      fc.property(eventsArb, eventsArb, (before, after) => {
        const head = fold([before]);
        const terminal = before.filter((e) => isTerminalStatus(e.status)).sort(compare)[0];
        if (terminal) expect(head).toMatchObject({ status: terminal.status, terminal: true });
        const next = applyToHead(head, after);
        if (head.terminal) expect(next.status).toBe(head.status);
        else if (after.some((e) => isTerminalStatus(e.status))) {
          // Stamped before every earlier event or not: the terminal status is taken.
          expect(next.terminal).toBe(true);
          expect(isTerminalStatus(next.status)).toBe(true);
        }
      }),
      { numRuns: 400, seed: 20261203 },
    );
  });

  it('delivers even when the delivered scan is stamped a minute before out_for_delivery (hand case)', () => {
    const head = fold([[ev('a', 'out_for_delivery', at(7))], [ev('b', 'delivered', at(6, 59))]]);
    expect(head).toMatchObject({ status: 'delivered', statusAt: at(6, 59), terminal: true, lastEventAt: at(7) });
  });
});

