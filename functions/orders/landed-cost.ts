/**
 * Landed cost of an export order (DOMAIN.md, "Orders and landed cost"): merchandise,
 * shipping and duties converted from CNY fen to the presentment currency's minor
 * units at the configured FX rate (CNY per 1 unit of presentment currency).
 *
 * Exact arithmetic: amounts are bigints internally, each result is one exact
 * rational rounded half-up once (`divideHalfUp`), never an intermediate figure.
 * Pure: no clock, no I/O; the caller passes the configuration and the instant.
 */
import { divideHalfUp } from '../shared/money.js';
import { marketCurrency } from './markets.js';
import type { HsRange, Market, PresentmentCurrency, PricingConfig } from './pricing-config.js';

export type PricingErrorCode = 'currency_mismatch' | 'no_lines';

/** A request that cannot be priced as asked; callers answer `validation_failed`. */
export class PricingError extends Error {
  constructor(
    readonly code: PricingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PricingError';
  }
}

export interface Rate {
  /** rate = num / den, in lowest terms, num > 0, den > 0. */
  readonly num: bigint;
  readonly den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
};

/** "7.1500" -> { num: 143n, den: 20n }: an exact positive decimal as a reduced fraction. RangeError otherwise. */
export const parseRate = (rate: string): Rate => {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) throw new RangeError(`"${rate}" is not a decimal rate`);
  const [, whole = '', fraction = ''] = match;
  const num = BigInt(whole + fraction);
  if (num === 0n) throw new RangeError(`rate "${rate}" must be greater than zero`);
  const den = 10n ** BigInt(fraction.length);
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
};

const hsCodePattern = /^\d{1,10}$/;

const checkHsCode = (hsCode: string): void => {
  if (!hsCodePattern.test(hsCode)) throw new RangeError(`"${hsCode}" is not an HS code (1 to 10 digits)`);
};

/** The UTC calendar date of `at`, "YYYY-MM-DD". */
const utcDate = (at: Date): string => {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date');
  return at.toISOString().slice(0, 10);
};

/**
 * Duty rate (basis points) for `hsCode` shipped to `market` at instant `at`: among the
 * rules for that market in effect on the UTC date of `at` (effectiveFrom <= date <
 * effectiveTo), the one with the longest matching `hsPrefix`; among equally long
 * prefixes, the latest `effectiveFrom` (a newer rule supersedes an open-ended older
 * one). 0 when no rule applies.
 */
export const dutyRateBps = (config: PricingConfig, market: Market, hsCode: string, at: Date): number => {
  checkHsCode(hsCode);
  const date = utcDate(at);
  let best: PricingConfig['duties'][number] | undefined;
  for (const rule of config.duties) {
    if (rule.market !== market || !hsCode.startsWith(rule.hsPrefix)) continue;
    if (rule.effectiveFrom > date || (rule.effectiveTo !== undefined && date >= rule.effectiveTo)) continue;
    if (
      best === undefined ||
      rule.hsPrefix.length > best.hsPrefix.length ||
      (rule.hsPrefix.length === best.hsPrefix.length && rule.effectiveFrom > best.effectiveFrom)
    ) {
      best = rule;
    }
  }
  return best?.rateBps ?? 0;
};

/**
 * Whether `hsCode` falls in the range: the code's leading digits (as many as each
 * bound has) compared with the bound. Codes and bounds are compared as 10-digit
 * intervals (codes padded with 0s/9s), so a code shorter than a bound matches when
 * any tariff line under it is in the range: the conservative answer.
 */
const inRange = (hsCode: string, range: HsRange): boolean => {
  const width = Math.max(10, hsCode.length, range.from.length, range.to.length);
  const codeLow = hsCode.padEnd(width, '0');
  const codeHigh = hsCode.padEnd(width, '9');
  return codeHigh >= range.from.padEnd(width, '0') && codeLow <= range.to.padEnd(width, '9');
};

/** The first restricted range (all markets first, then the market's own) that `hsCode` falls in, or undefined. */
export const restrictedReason = (
  config: PricingConfig,
  market: Market,
  hsCode: string,
): { from: string; to: string } | undefined => {
  checkHsCode(hsCode);
  const range = [...config.restricted.all, ...config.restricted[market]].find((r) => inRange(hsCode, r));
  return range === undefined ? undefined : { from: range.from, to: range.to };
};

const checkCount = (value: number, what: string, min: number): void => {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, got ${value}`);
};

const toSafeNumber = (value: bigint, what: string): number => {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${value} is not a safe integer`);
  }
  return Number(value);
};

/** Sum of weightGrams x quantity. RangeError on non-integer input or an unsafe total. */
export const chargeableWeightGrams = (
  lines: ReadonlyArray<{ readonly weightGrams: number; readonly quantity: number }>,
): number => {
  let grams = 0n;
  for (const line of lines) {
    checkCount(line.weightGrams, 'weightGrams', 0);
    checkCount(line.quantity, 'quantity', 1);
    grams += BigInt(line.weightGrams) * BigInt(line.quantity);
  }
  return toSafeNumber(grams, 'chargeable weight');
};

/** Shipping in CNY fen: firstFen up to firstWeightGrams, then stepFen per further stepGrams or part. */
export const shippingFen = (config: PricingConfig, market: Market, grams: number): number => {
  checkCount(grams, 'grams', 0);
  const card = config.shipping[market];
  if (grams <= card.firstWeightGrams) return card.firstFen;
  const extra = BigInt(grams - card.firstWeightGrams);
  const step = BigInt(card.stepGrams);
  const steps = (extra + step - 1n) / step;
  return toSafeNumber(BigInt(card.firstFen) + steps * BigInt(card.stepFen), 'shipping');
};

export interface QuoteLineInput {
  readonly sku: string;
  readonly quantity: number;
  /** CNY fen. */
  readonly unitPriceFen: number;
  readonly hsCode: string;
  readonly originCountry: string;
  readonly weightGrams: number;
}

export interface QuoteInput<L extends QuoteLineInput = QuoteLineInput> {
  readonly market: Market;
  readonly currency: PresentmentCurrency;
  readonly lines: readonly L[];
  /** The instant the order is priced (duty rules are chosen by its UTC date). */
  readonly at: Date;
}

export type QuoteLine<L extends QuoteLineInput = QuoteLineInput> = L & {
  /** unitPriceFen x quantity, CNY fen. */
  readonly lineFen: number;
  readonly dutyRateBps: number;
};

export interface Quote<L extends QuoteLineInput = QuoteLineInput> {
  readonly market: Market;
  readonly currency: PresentmentCurrency;
  /** The configured rate string, CNY per 1 unit of `currency`; snapshot it on the order. */
  readonly fxRate: string;
  /** sum(unitPriceFen x quantity), CNY fen (`settlement.merchandise`). */
  readonly settlementMerchandiseFen: number;
  /** Minor units of `currency` (`totals.*`). */
  readonly merchandise: number;
  readonly shipping: number;
  readonly duties: number;
  /** merchandise + shipping + duties: what the buyer is charged. */
  readonly total: number;
  readonly chargeableWeightGrams: number;
  /** Shipping before conversion, CNY fen. */
  readonly shippingFen: number;
  readonly lines: ReadonlyArray<QuoteLine<L>>;
}

/**
 * Prices an order. Does not check restricted items (see `restrictedReason`) or market
 * enrolment. Throws `PricingError` when `currency` is not the market's presentment
 * currency or there are no lines; `RangeError` on malformed numbers or a result that
 * is not a safe integer.
 */
export const quote = <L extends QuoteLineInput>(input: QuoteInput<L>, config: PricingConfig): Quote<L> => {
  const { market, currency, at } = input;
  const expected = marketCurrency[market];
  if (currency !== expected) {
    throw new PricingError('currency_mismatch', `orders to ${market} are paid in ${expected}, not ${currency}`);
  }
  if (input.lines.length === 0) throw new PricingError('no_lines', 'an order needs at least one line');
  const fxRate = config.fxRates[currency];
  const { num, den } = parseRate(fxRate);

  let merchandiseFen = 0n;
  let dutyBase = 0n; // sum(lineFen x rateBps): CNY fen x 10000
  const lines = input.lines.map((line): QuoteLine<L> => {
    checkCount(line.quantity, 'quantity', 1);
    checkCount(line.unitPriceFen, 'unitPriceFen', 0);
    const lineFen = BigInt(line.unitPriceFen) * BigInt(line.quantity);
    const rateBps = dutyRateBps(config, market, line.hsCode, at);
    merchandiseFen += lineFen;
    dutyBase += lineFen * BigInt(rateBps);
    return { ...line, lineFen: toSafeNumber(lineFen, `line ${line.sku} amount`), dutyRateBps: rateBps };
  });

  const grams = chargeableWeightGrams(input.lines);
  const shipFen = shippingFen(config, market, grams);
  // fen / (num/den) = fen x den / num
  const merchandise = divideHalfUp(merchandiseFen * den, num);
  const shipping = divideHalfUp(BigInt(shipFen) * den, num);
  const duties = divideHalfUp(dutyBase * den, 10_000n * num);

  return {
    market,
    currency,
    fxRate,
    settlementMerchandiseFen: toSafeNumber(merchandiseFen, 'settlement merchandise'),
    merchandise: toSafeNumber(merchandise, 'merchandise'),
    shipping: toSafeNumber(shipping, 'shipping'),
    duties: toSafeNumber(duties, 'duties'),
    total: toSafeNumber(merchandise + shipping + duties, 'total'),
    chargeableWeightGrams: grams,
    shippingFen: shipFen,
    lines,
  };
};
