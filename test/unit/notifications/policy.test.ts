import fc from 'fast-check';
import { deliveryIdOf, isSuccess, nextAttemptAfter, retryDelaysMs, retryScale, shouldDisable } from '../../../functions/notifications/policy.js';

const t0 = new Date('2026-12-03T00:00:00.000Z');

describe('merchant webhook retry policy', () => {
  it('retries for at least 24 hours, then gives up', () => {
    let at = t0;
    let attempts = 1;
    for (;;) {
      const next = nextAttemptAfter(attempts, at);
      if (!next) break;
      at = next;
      attempts += 1;
    }
    expect(at.getTime() - t0.getTime()).toBeGreaterThanOrEqual(24 * 3600_000);
    expect(attempts).toBe(retryDelaysMs.length + 1);
  });

  it('backs off: each delay is at least the one before (seeded property)', () => {
    expect(() => fc.assert(
      fc.property(fc.integer({ min: 1, max: retryDelaysMs.length - 1 }), fc.date({ min: t0, max: new Date('2030-01-01'), noInvalidDate: true }), (n, failedAt) => {
        const first = nextAttemptAfter(n, failedAt);
        const second = nextAttemptAfter(n + 1, failedAt);
        return first !== null && second !== null && second.getTime() >= first.getTime() && first.getTime() > failedAt.getTime();
      }),
      { seed: 20261203, numRuns: 200 },
    )).not.toThrow();
  });

  it('shortens the schedule only locally', () => {
    expect(retryScale('local', '0.001')).toBe(0.001);
    expect(retryScale('prod', '0.001')).toBe(1);
    expect(retryScale('local', 'nonsense')).toBe(1);
    expect(retryScale('local', '5')).toBe(1);
    expect(nextAttemptAfter(1, t0, 0.001)?.getTime()).toBe(t0.getTime() + 5);
  });

  it('disables an endpoint after three days of failures, not before', () => {
    expect(shouldDisable(undefined, t0)).toBe(false);
    expect(shouldDisable('2026-11-30T00:00:01.000Z', t0)).toBe(false);
    expect(shouldDisable('2026-11-30T00:00:00.000Z', t0)).toBe(true);
  });

  it('counts only 2xx as success', () => {
    expect([200, 204, 299].every(isSuccess)).toBe(true);
    expect([null, 199, 301, 302, 400, 500].some(isSuccess)).toBe(false);
  });

  it('derives one stable webhook-id per event, type and endpoint (seeded property)', () => {
    expect(() => fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (event, type, a, b) => {
        const id = deliveryIdOf(event, type, a);
        return /^msg_[0-9a-f]{32}$/.test(id) && id === deliveryIdOf(event, type, a) && (a === b || id !== deliveryIdOf(event, type, b));
      }),
      { seed: 20261203, numRuns: 200 },
    )).not.toThrow();
  });
});
