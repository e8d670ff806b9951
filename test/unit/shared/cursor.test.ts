import fc from 'fast-check';
import { decodeCursor, encodeCursor } from '../../../functions/shared/cursor.js';
import { ProblemError } from '../../../functions/shared/errors.js';

const key = 'test-cursor-key';

const refused = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (error) {
    return error instanceof ProblemError && error.code === 'validation_failed' && error.status === 400;
  }
};

describe('list cursors', () => {
  it('round-trips any JSON position', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (position, scope) => {
        const cursor = encodeCursor(key, scope, position);
        expect(decodeCursor(key, scope, cursor)).toEqual(JSON.parse(JSON.stringify(position)));
      }),
    );
  });

  it('refuses any edited cursor with a 400', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom(...'ABCxyz019-_.'), (position, at, replacement) => {
        const cursor = encodeCursor(key, 'orders', position);
        const index = at % cursor.length;
        fc.pre(cursor[index] !== replacement);
        const edited = cursor.slice(0, index) + replacement + cursor.slice(index + 1);
        expect(refused(() => decodeCursor(key, 'orders', edited))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an edit of the last signature character (unused base64 bits included)', () => {
    const cursor = encodeCursor(key, 'orders', { pk: 'x' });
    const last = cursor.at(-1) ?? '';
    for (const c of 'AQgw') {
      if (c !== last) expect(refused(() => decodeCursor(key, 'orders', cursor.slice(0, -1) + c))).toBe(true);
    }
  });

  it('refuses a cursor issued for another list or under another key', () => {
    const cursor = encodeCursor(key, 'tenant:mer_A', { pk: 'x' });
    expect(refused(() => decodeCursor(key, 'tenant:mer_B', cursor))).toBe(true);
    expect(refused(() => decodeCursor('other-key', 'tenant:mer_A', cursor))).toBe(true);
    expect(refused(() => decodeCursor(key, 'tenant:mer_A', 'not-a-cursor'))).toBe(true);
    expect(decodeCursor(key, 'tenant:mer_A', cursor)).toEqual({ pk: 'x' });
  });
});
