import fc from 'fast-check';
import { addMoney, divideHalfUp, money, parseDecimal, toDecimalString } from '../../../functions/shared/money.js';

describe('divideHalfUp', () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 2n, 2n],
    [7n, 3n, 2n],
    [-5n, 2n, -3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [149n, 100n, 1n],
    [150n, 100n, 2n],
  ])('%d / %d = %d', (n, d, q) => {
    expect(divideHalfUp(n, d)).toBe(q);
  });

  it('is within half a unit of the exact quotient, ties away from zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divideHalfUp(n, d);
        const twiceError = 2n * (n - q * d); // 2 * remainder relative to q
        expect(twiceError <= d && twiceError >= -d).toBe(true);
        // On a tie the quotient is the one further from zero: |q·d| > |n|.
        if (twiceError === d || twiceError === -d) expect(n > 0n ? twiceError === -d : twiceError === d).toBe(true);
      }),
    );
  });

  it('refuses division by zero', () => {
    expect(() => divideHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe('decimal strings at the edges', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123450, '1234.50'],
    [-5, '-0.05'],
    [-123456, '-1234.56'],
  ])('%d <-> %s', (minor, text) => {
    expect(toDecimalString(minor)).toBe(text);
    expect(parseDecimal(text)).toBe(minor);
  });

  it('round-trips any amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), (minor) => {
        expect(parseDecimal(toDecimalString(minor))).toBe(minor);
      }),
    );
  });

  it.each(['1.234', 'abc', '', '1,000.00', '1e5', '.5', '- 1'])('refuses %j', (text) => {
    expect(() => parseDecimal(text)).toThrow(RangeError);
  });

  it('accepts one decimal', () => {
    expect(parseDecimal('1234.5')).toBe(123450);
  });
});

describe('money', () => {
  it('adds only the same currency', () => {
    expect(addMoney(money(100, 'USD'), money(250, 'USD'))).toEqual({ amount: 350, currency: 'USD' });
    expect(() => addMoney(money(100, 'USD'), money(1, 'HKD'))).toThrow(RangeError);
    expect(() => money(1.5, 'CNY')).toThrow(RangeError);
  });
});
