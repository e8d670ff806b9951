/**
 * Money as values: currencies, construction, addition, rounding and decimal text. No
 * schemas here (they are in money.ts), so code that must stay free of zod (the finance
 * console's browser bundle) can use the same arithmetic and formatting as the API.
 */

/** Currencies in use; all have two decimal minor units (fen, cents, avos). */
export const currencies = ['CNY', 'USD', 'HKD', 'MOP'] as const;
export type Currency = (typeof currencies)[number];

export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export const money = (amount: number, currency: Currency): Money => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount ${amount} is not an integer number of minor units`);
  return { amount, currency };
};

export const addMoney = (a: Money, b: Money): Money => {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} to ${b.currency}`);
  return money(a.amount + b.amount, a.currency);
};

/** numerator / denominator rounded half-up (away from zero at .5) to an integer; exact on bigints. */
export const divideHalfUp = (numerator: bigint, denominator: bigint): bigint => {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
};

/** 123450 -> "1234.50"; -5 -> "-0.05". */
export const toDecimalString = (minor: number): string => {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const decimal = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** The fen of a decimal's digits (sign aside), as parseDecimal reads them. */
const fenOf = ([, , whole = '0', fraction = '']: RegExpExecArray): number => Number(whole) * 100 + Number(fraction.padEnd(2, '0'));

/** Whether parseDecimal takes the text: at most two decimals, and fen that are a safe integer. */
export const isDecimalAmount = (text: string): boolean => {
  const match = decimal.exec(text.trim());
  return match !== null && Number.isSafeInteger(fenOf(match));
};

/** "1234.5" -> 123450. At most two decimals; anything else is a RangeError. */
export const parseDecimal = (text: string): number => {
  const match = decimal.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a decimal amount with at most two decimals`);
  const minor = fenOf(match);
  const minus = match[1];
  if (!Number.isSafeInteger(minor)) throw new RangeError(`"${text}" is too large`);
  return minus ? -minor : minor;
};
