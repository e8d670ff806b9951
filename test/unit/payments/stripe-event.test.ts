import fc from 'fast-check';
import { clockToleranceSeconds, orderIdIn, stripeEventEnvelope, unmatchedOutcome } from '../../../functions/payments/stripe-event.js';

const now = new Date('2026-12-03T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;

describe('an event naming an order we do not have', () => {
  it('is retried while younger than an hour, then kept', () => {
    expect(unmatchedOutcome(nowSeconds - 3599, now)).toBe('retry');
    expect(unmatchedOutcome(nowSeconds - 3600, now)).toBe('keep');
    expect(unmatchedOutcome(nowSeconds + 300, now)).toBe('retry'); // Stripe's clock a little ahead of ours
    expect(unmatchedOutcome(nowSeconds + 10 * 3600, now)).toBe('keep'); // no credible age
    expect(unmatchedOutcome(undefined, now)).toBe('keep'); // no `created` at all: no age either
  });

  it('never stays retryable for more than an hour (plus the clock tolerance) of our clock, whatever `created` says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 10 * 24 * 3600 }), (created, elapsed) => {
        const later = new Date(now.getTime() + elapsed * 1000);
        // Asked at `now` and again `elapsed` seconds later: once an hour and the tolerance have passed it must be kept.
        if (elapsed >= 3600 + clockToleranceSeconds && unmatchedOutcome(created, now) === 'retry') expect(unmatchedOutcome(created, later)).toBe('keep');
        if (created <= nowSeconds - 3600) expect(unmatchedOutcome(created, now)).toBe('keep');
      }),
      { seed: 903, numRuns: 300 },
    );
  });

  it('names an order only when the id has our shape (bounded length, ord_ prefix)', () => {
    expect(orderIdIn({ orderId: 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E' })).toBe('ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E');
    expect(orderIdIn({ orderId: '100234' })).toBeUndefined();
    expect(orderIdIn({ orderId: `ord_${'A'.repeat(2000)}` })).toBeUndefined();
    expect(orderIdIn(null)).toBeUndefined();
  });
});

describe('the event envelope', () => {
  it('accepts no JSON value that is not an object with a bounded evt_ id, a type, created and data.object', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = stripeEventEnvelope.safeParse(value);
        if (parsed.success) {
          expect(parsed.data.id.length).toBeLessThanOrEqual(255);
          expect(typeof parsed.data.data.object).toBe('object');
        }
      }),
      { seed: 904, numRuns: 300 },
    );
    expect(stripeEventEnvelope.safeParse({ id: `evt_${'a'.repeat(2096)}`, type: 't', created: 1, data: { object: {} } }).success).toBe(false);
    expect(stripeEventEnvelope.safeParse({ id: 'evt_1', type: 't', created: 1, data: { object: {} } }).success).toBe(true);
  });
});
