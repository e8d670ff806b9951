import fc from 'fast-check';
import {
  PricingError,
  chargeableWeightGrams,
  dutyRateBps,
  parseRate,
  quote,
  restrictedReason,
  shippingFen,
} from '../../../functions/orders/landed-cost.js';
import type { QuoteLineInput } from '../../../functions/orders/landed-cost.js';
import { defaultPricingConfig, loadPricingConfig, marketCurrency } from '../../../functions/orders/pricing-config.js';
import type { Market, PricingConfig } from '../../../functions/orders/pricing-config.js';

const line = (sku: string, unitPriceFen: number, quantity: number, hsCode: string, weightGrams: number): QuoteLineInput => ({
  sku,
  quantity,
  unitPriceFen,
  hsCode,
  originCountry: 'CN',
  weightGrams,
});

const afterSuspension = new Date('2025-09-01T08:00:00Z');

describe('parseRate', () => {
  it.each([
    ['7.1500', 143n, 20n], // 71500 / 10000 = 143 / 20
    ['0.9200', 23n, 25n], // 9200 / 10000 = 23 / 25
    ['0.8900', 89n, 100n],
    ['7.2', 36n, 5n],
    ['1', 1n, 1n],
    ['0.000001', 1n, 1_000_000n],
    ['12.345678', 6_172_839n, 500_000n],
  ])('%s = %d / %d', (rate, num, den) => {
    expect(parseRate(rate)).toEqual({ num, den });
  });

  it.each(['0', '0.000', '-7.15', '', ' 7.15', '7.', '.5', '1e3', '7,15', 'abc'])('rejects %p', (rate) => {
    expect(() => parseRate(rate)).toThrow(RangeError);
  });
});

describe('shippingFen', () => {
  it.each([
    // grams: first 500 g, then each further 500 g or part
    [0, 'US', 6000],
    [1, 'US', 6000],
    [500, 'US', 6000],
    [501, 'US', 9000], // 6000 + ceil(1/500) = 1 step x 3000
    [1000, 'US', 9000], // 6000 + ceil(500/500) = 1 x 3000
    [1001, 'US', 12000], // 6000 + ceil(501/500) = 2 x 3000
    [1, 'HK', 2000],
    [500, 'HK', 2000],
    [501, 'HK', 3000], // 2000 + 1 x 1000
    [1000, 'HK', 3000],
    [1001, 'HK', 4000], // 2000 + 2 x 1000
    [1, 'MO', 2500],
    [500, 'MO', 2500],
    [501, 'MO', 3700], // 2500 + 1 x 1200
    [1000, 'MO', 3700],
    [1001, 'MO', 4900], // 2500 + 2 x 1200
    [10_000, 'MO', 25_300], // 2500 + ceil(9500/500) = 19 x 1200 = 22800
  ] as const)('%d g to %s costs %d fen', (grams, market, fen) => {
    expect(shippingFen(defaultPricingConfig, market, grams)).toBe(fen);
  });

  it('follows a configured card', () => {
    const config = loadPricingConfig('{"shipping":{"US":{"firstWeightGrams":1000,"firstFen":5000,"stepGrams":250,"stepFen":700}}}');
    expect(shippingFen(config, 'US', 1000)).toBe(5000);
    expect(shippingFen(config, 'US', 1001)).toBe(5700);
    expect(shippingFen(config, 'US', 1251)).toBe(6400); // 5000 + ceil(251/250) = 2 x 700
  });

  it.each([-1, 1.5, Number.NaN])('rejects %p grams', (grams) => {
    expect(() => shippingFen(defaultPricingConfig, 'US', grams)).toThrow(RangeError);
  });
});

describe('chargeableWeightGrams', () => {
  it('sums weight x quantity', () => {
    // 300 x 2 + 150 x 3 + 0 x 9 = 600 + 450 = 1050
    expect(
      chargeableWeightGrams([
        { weightGrams: 300, quantity: 2 },
        { weightGrams: 150, quantity: 3 },
        { weightGrams: 0, quantity: 9 },
      ]),
    ).toBe(1050);
    expect(chargeableWeightGrams([])).toBe(0);
  });

  it('rejects non-integers and unsafe totals', () => {
    expect(() => chargeableWeightGrams([{ weightGrams: 1.5, quantity: 1 }])).toThrow(RangeError);
    expect(() => chargeableWeightGrams([{ weightGrams: 1, quantity: 0 }])).toThrow(RangeError);
    expect(() => chargeableWeightGrams([{ weightGrams: Number.MAX_SAFE_INTEGER, quantity: 2 }])).toThrow(RangeError);
  });
});

describe('dutyRateBps', () => {
  const withEarlierZeroRule = loadPricingConfig(
    JSON.stringify({
      duties: [...defaultPricingConfig.duties, { market: 'US', hsPrefix: '', rateBps: 0, effectiveFrom: '2020-01-01' }],
    }),
  );

  it('defaults: US 10% from 2025-08-29 (UTC date), none before', () => {
    expect(dutyRateBps(defaultPricingConfig, 'US', '6109100000', new Date('2025-08-28T23:59:59.999Z'))).toBe(0);
    expect(dutyRateBps(defaultPricingConfig, 'US', '6109100000', new Date('2025-08-29T00:00:00.000Z'))).toBe(1000);
  });

  it('the newer rule takes over on its first day from an earlier open-ended 0% rule', () => {
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2020-01-01T00:00:00Z'))).toBe(0);
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2025-08-28T00:00:00Z'))).toBe(0);
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2025-08-28T23:59:59.999Z'))).toBe(0);
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2025-08-29T00:00:00Z'))).toBe(1000);
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2026-03-01T00:00:00Z'))).toBe(1000);
    // The UTC date decides: 20:00 on the 28th in New York is already the 29th in UTC.
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2025-08-28T20:00:00-04:00'))).toBe(1000);
    expect(dutyRateBps(withEarlierZeroRule, 'US', '6109100000', new Date('2025-08-28T19:59:59-04:00'))).toBe(0);
  });

  it('treats effectiveTo as exclusive', () => {
    const config = loadPricingConfig(
      JSON.stringify({
        duties: [
          { market: 'US', hsPrefix: '', rateBps: 0, effectiveFrom: '2020-01-01', effectiveTo: '2025-08-29' },
          { market: 'US', hsPrefix: '61', rateBps: 500, effectiveFrom: '2025-01-01', effectiveTo: '2025-06-01' },
        ],
      }),
    );
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2024-12-31T23:59:59Z'))).toBe(0);
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2025-01-01T00:00:00Z'))).toBe(500);
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2025-05-31T23:59:59Z'))).toBe(500);
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2025-06-01T00:00:00Z'))).toBe(0); // back to the '' rule
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2025-08-28T12:00:00Z'))).toBe(0);
    expect(dutyRateBps(config, 'US', '6109100000', new Date('2025-08-29T00:00:00Z'))).toBe(0); // no rule left
  });

  it('the longest matching prefix wins', () => {
    const config = loadPricingConfig(
      JSON.stringify({
        duties: [
          ...defaultPricingConfig.duties,
          { market: 'US', hsPrefix: '61', rateBps: 1500, effectiveFrom: '2025-08-29' },
          { market: 'US', hsPrefix: '610910', rateBps: 3000, effectiveFrom: '2025-08-29' },
          { market: 'US', hsPrefix: '6109', rateBps: 2500, effectiveFrom: '2025-08-29' },
          // A newer rule with a shorter prefix does not override a longer one.
          { market: 'US', hsPrefix: '', rateBps: 2000, effectiveFrom: '2026-01-01' },
        ],
      }),
    );
    expect(dutyRateBps(config, 'US', '6109100000', afterSuspension)).toBe(3000);
    expect(dutyRateBps(config, 'US', '6109900000', afterSuspension)).toBe(2500);
    expect(dutyRateBps(config, 'US', '6110200000', afterSuspension)).toBe(1500);
    expect(dutyRateBps(config, 'US', '8517130000', afterSuspension)).toBe(1000);
    const later = new Date('2026-02-01T00:00:00Z');
    expect(dutyRateBps(config, 'US', '6109100000', later)).toBe(3000);
    expect(dutyRateBps(config, 'US', '8517130000', later)).toBe(2000);
    // Rules are per market.
    expect(dutyRateBps(config, 'HK', '6109100000', afterSuspension)).toBe(0);
  });

  it('HK and MO are duty free', () => {
    for (const market of ['HK', 'MO'] as const) {
      expect(dutyRateBps(defaultPricingConfig, market, '2208300000', afterSuspension)).toBe(0);
      expect(dutyRateBps(defaultPricingConfig, market, '6109100000', new Date('1990-01-01T00:00:00Z'))).toBe(0);
    }
  });

  it('rejects malformed codes and dates', () => {
    expect(() => dutyRateBps(defaultPricingConfig, 'US', '6109.10', afterSuspension)).toThrow(RangeError);
    expect(() => dutyRateBps(defaultPricingConfig, 'US', '6109100000', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('restrictedReason', () => {
  it.each([
    ['9301100000', 'US', { from: '93', to: '93' }], // arms
    ['930690', 'HK', { from: '93', to: '93' }],
    ['9305100000', 'MO', { from: '93', to: '93' }],
    ['2401100000', 'US', { from: '2401', to: '2403' }], // tobacco
    ['2402201000', 'US', { from: '2401', to: '2403' }],
    ['2402201000', 'HK', { from: '2401', to: '2403' }],
    ['240399', 'MO', { from: '2401', to: '2403' }],
    ['3601000000', 'US', { from: '3601', to: '3604' }], // explosives, fireworks
    ['3604100000', 'US', { from: '3601', to: '3604' }],
    ['3604900000', 'HK', { from: '3601', to: '3604' }],
    ['2208300000', 'HK', { from: '2208', to: '2208' }], // spirits
    ['2208300000', 'MO', { from: '2208', to: '2208' }],
  ] as Array<[string, Market, { from: string; to: string }]>)('%s to %s is restricted by %o', (hsCode, market, range) => {
    expect(restrictedReason(defaultPricingConfig, market, hsCode)).toEqual(range);
  });

  it.each([
    ['2208300000', 'US'], // spirits may go to the US
    ['2404110000', 'US'], // 2404 (nicotine products) is not on the list
    ['2404110000', 'HK'],
    ['2400000000', 'MO'],
    ['3605000000', 'US'],
    ['3600000000', 'US'],
    ['9201100000', 'US'],
    ['9401100000', 'HK'],
    ['2207100000', 'HK'],
    ['2209000000', 'MO'],
    ['6109100000', 'US'],
  ] as Array<[string, Market]>)('%s to %s is allowed', (hsCode, market) => {
    expect(restrictedReason(defaultPricingConfig, market, hsCode)).toBeUndefined();
  });

  it('compares the code on the bound length and is conservative for codes shorter than a bound', () => {
    const config = loadPricingConfig('{"restricted":{"US":[{"from":"85171300","to":"85171399"}]}}');
    expect(restrictedReason(config, 'US', '8517130010')).toEqual({ from: '85171300', to: '85171399' });
    expect(restrictedReason(config, 'US', '8517140000')).toBeUndefined();
    // A 6-digit code covers 851713xxxx, which overlaps the range.
    expect(restrictedReason(config, 'US', '851713')).toEqual({ from: '85171300', to: '85171399' });
    expect(restrictedReason(config, 'US', '851714')).toBeUndefined();
    expect(restrictedReason(config, 'HK', '8517130010')).toBeUndefined();
  });
});

describe('quote: worked examples', () => {
  it('US: 2 x CNY 100.00 T-shirts, 300 g each, after the de minimis suspension', () => {
    const result = quote(
      { market: 'US', currency: 'USD', at: afterSuspension, lines: [line('TEE-1', 10000, 2, '6109100000', 300)] },
      defaultPricingConfig,
    );
    // rate 7.1500 = 143/20
    // settlement = 10000 x 2 = 20000 fen
    // merchandise = 20000 x 20 / 143 = 400000 / 143 = 2797.20... -> 2797 cents
    // weight 600 g: 6000 + ceil(100/500) x 3000 = 9000 fen -> 9000 x 20 / 143 = 180000 / 143 = 1258.74... -> 1259
    // duties = 20000 x 1000 / 10000 = 2000 fen -> 2000 x 20 / 143 = 40000 / 143 = 279.72... -> 280
    // total = 2797 + 1259 + 280 = 4336
    expect(result).toEqual({
      market: 'US',
      currency: 'USD',
      fxRate: '7.1500',
      settlementMerchandiseFen: 20000,
      merchandise: 2797,
      shipping: 1259,
      duties: 280,
      total: 4336,
      chargeableWeightGrams: 600,
      shippingFen: 9000,
      lines: [{ ...line('TEE-1', 10000, 2, '6109100000', 300), lineFen: 20000, dutyRateBps: 1000 }],
    });
  });

  it('US before 2025-08-29 with the defaults: no duty rule, no duty', () => {
    const result = quote(
      { market: 'US', currency: 'USD', at: new Date('2025-08-28T12:00:00Z'), lines: [line('TEE-1', 10000, 2, '6109100000', 300)] },
      defaultPricingConfig,
    );
    // as above without duties: 2797 + 1259 = 4056
    expect(result).toMatchObject({ merchandise: 2797, shipping: 1259, duties: 0, total: 4056 });
  });

  it('HK: CNY 46.00, 500 g', () => {
    const result = quote(
      { market: 'HK', currency: 'HKD', at: afterSuspension, lines: [line('MUG', 4600, 1, '6912000000', 500)] },
      defaultPricingConfig,
    );
    // rate 0.9200 = 23/25
    // merchandise = 4600 x 25 / 23 = 115000 / 23 = 5000 exactly
    // 500 g: first weight only, 2000 fen -> 2000 x 25 / 23 = 50000 / 23 = 2173.91... -> 2174
    // duties 0 (free port); total = 5000 + 2174 = 7174
    expect(result).toMatchObject({
      currency: 'HKD',
      fxRate: '0.9200',
      settlementMerchandiseFen: 4600,
      merchandise: 5000,
      shipping: 2174,
      duties: 0,
      total: 7174,
      chargeableWeightGrams: 500,
      shippingFen: 2000,
    });
    expect(result.lines).toEqual([{ ...line('MUG', 4600, 1, '6912000000', 500), lineFen: 4600, dutyRateBps: 0 }]);
  });

  it('MO: 3 x CNY 89.00 at 400 g plus a second line', () => {
    const result = quote(
      {
        market: 'MO',
        currency: 'MOP',
        at: afterSuspension,
        lines: [line('TEA', 8900, 3, '0902300000', 400), line('CUP', 1, 1, '6912000000', 1)],
      },
      defaultPricingConfig,
    );
    // rate 0.8900 = 89/100
    // settlement = 8900 x 3 + 1 x 1 = 26701 fen
    // merchandise = 26701 x 100 / 89 = 2670100 / 89 = 30001.12... -> 30001
    // weight 1200 + 1 = 1201 g: 2500 + ceil(701/500) = 2 x 1200 = 4900 fen
    // shipping = 4900 x 100 / 89 = 490000 / 89 = 5505.61... -> 5506
    // duties 0; total = 30001 + 5506 = 35507
    expect(result).toMatchObject({
      settlementMerchandiseFen: 26701,
      merchandise: 30001,
      shipping: 5506,
      duties: 0,
      total: 35507,
      chargeableWeightGrams: 1201,
      shippingFen: 4900,
    });
    expect(result.lines.map((l) => l.lineFen)).toEqual([26700, 1]);
  });

  it('rounds a tie half up (fxRate override 7.2000)', () => {
    const config = loadPricingConfig('{"fxRates":{"USD":"7.2000"}}');
    const result = quote(
      { market: 'US', currency: 'USD', at: afterSuspension, lines: [line('A', 10818, 1, '6109100000', 100)] },
      config,
    );
    // rate 7.2000 = 36/5
    // merchandise = 10818 x 5 / 36 = 54090 / 36 = 1502.5 exactly -> 1503
    // shipping = 6000 x 5 / 36 = 30000 / 36 = 833.33... -> 833
    // duties = 10818 x 1000 x 5 / (10000 x 36) = 54090000 / 360000 = 150.25 -> 150
    // total = 1503 + 833 + 150 = 2486
    expect(result).toMatchObject({ fxRate: '7.2000', merchandise: 1503, shipping: 833, duties: 150, total: 2486 });
    // neighbours of the tie: 10817 x 5 / 36 = 1502.36... -> 1502; 10819 x 5 / 36 = 1502.63... -> 1503
    expect(quote({ market: 'US', currency: 'USD', at: afterSuspension, lines: [line('A', 10817, 1, '1', 0)] }, config).merchandise).toBe(1502);
    expect(quote({ market: 'US', currency: 'USD', at: afterSuspension, lines: [line('A', 10819, 1, '1', 0)] }, config).merchandise).toBe(1503);
  });

  it('rounds just below and just above one half correctly (default 7.1500)', () => {
    const priced = (fen: number) =>
      quote({ market: 'US', currency: 'USD', at: afterSuspension, lines: [line('A', fen, 1, '1', 0)] }, defaultPricingConfig).merchandise;
    // 10035 x 20 = 200700 = 143 x 1403 + 71: 1403 + 71/143 = 1403.4965... -> 1403 (just below .5)
    expect(priced(10035)).toBe(1403);
    // 10128 x 20 = 202560 = 143 x 1416 + 72: 1416 + 72/143 = 1416.5034... -> 1417 (just above .5)
    expect(priced(10128)).toBe(1417);
  });

  it('computes duties as one rational over all lines, rounded once', () => {
    const result = quote(
      {
        market: 'US',
        currency: 'USD',
        at: afterSuspension,
        lines: [line('A', 29, 1, '6109100000', 100), line('B', 29, 1, '6110100000', 100)],
      },
      defaultPricingConfig,
    );
    // per line: 29 x 1000 x 20 / (10000 x 143) = 0.405... cents, which alone would round to 0
    // together: 58 x 1000 x 20 / 1430000 = 1160000 / 1430000 = 0.811... -> 1
    // merchandise = 58 x 20 / 143 = 8.11... -> 8; shipping (200 g) = 6000 x 20 / 143 = 839.16... -> 839
    // total = 8 + 839 + 1 = 848
    expect(result).toMatchObject({ merchandise: 8, shipping: 839, duties: 1, total: 848 });
  });

  it('applies each line its own duty rate', () => {
    const config = loadPricingConfig(
      JSON.stringify({
        duties: [...defaultPricingConfig.duties, { market: 'US', hsPrefix: '6109', rateBps: 2500, effectiveFrom: '2025-08-29' }],
      }),
    );
    const result = quote(
      {
        market: 'US',
        currency: 'USD',
        at: afterSuspension,
        lines: [line('TEE', 10000, 1, '6109100000', 200), line('PHONE', 143000, 1, '8517130000', 300)],
      },
      config,
    );
    // duty base = 10000 x 2500 + 143000 x 1000 = 25000000 + 143000000 = 168000000 (fen x 10^4)
    // duties = 168000000 x 20 / (10000 x 143) = 3360000000 / 1430000 = 2349.65... -> 2350
    // merchandise = 153000 x 20 / 143 = 3060000 / 143 = 21398.60... -> 21399
    // shipping (500 g) = 6000 fen -> 839
    // total = 21399 + 839 + 2350 = 24588
    expect(result.lines.map((l) => l.dutyRateBps)).toEqual([2500, 1000]);
    expect(result).toMatchObject({ merchandise: 21399, shipping: 839, duties: 2350, total: 24588 });
  });

  it('passes extra line fields through and does not modify its input', () => {
    const input = {
      market: 'HK' as const,
      currency: 'HKD' as const,
      at: afterSuspension,
      lines: [{ ...line('A', 100, 1, '6109100000', 1), brand: 'Acme' }],
    };
    const snapshot = structuredClone(input);
    const result = quote(input, defaultPricingConfig);
    expect(result.lines[0]?.brand).toBe('Acme');
    expect(input).toEqual(snapshot);
    expect(quote(input, defaultPricingConfig)).toEqual(result);
  });
});

describe('quote: refusals', () => {
  it.each([
    ['US', 'HKD'],
    ['HK', 'USD'],
    ['MO', 'HKD'],
  ] as const)('%s orders cannot be paid in %s', (market, currency) => {
    const input = { market, currency, at: afterSuspension, lines: [line('A', 100, 1, '6109100000', 1)] };
    expect(() => quote(input, defaultPricingConfig)).toThrow(PricingError);
    try {
      quote(input, defaultPricingConfig);
    } catch (error) {
      expect(error).toMatchObject({ name: 'PricingError', code: 'currency_mismatch' });
    }
  });

  it('needs at least one line', () => {
    expect(() => quote({ market: 'US', currency: 'USD', at: afterSuspension, lines: [] }, defaultPricingConfig)).toThrow(
      expect.objectContaining({ code: 'no_lines' }),
    );
  });

  it.each([
    ['a fractional quantity', line('A', 100, 1.5, '6109100000', 1)],
    ['a zero quantity', line('A', 100, 0, '6109100000', 1)],
    ['a negative price', line('A', -1, 1, '6109100000', 1)],
    ['a fractional price', line('A', 1.5, 1, '6109100000', 1)],
    ['a negative weight', line('A', 100, 1, '6109100000', -1)],
    ['a malformed HS code', line('A', 100, 1, '61091000001', 1)],
    ['an unsafe line amount', line('A', Number.MAX_SAFE_INTEGER, 2, '6109100000', 1)],
  ])('throws RangeError for %s', (_label, bad) => {
    expect(() => quote({ market: 'US', currency: 'USD', at: afterSuspension, lines: [bad] }, defaultPricingConfig)).toThrow(RangeError);
  });

  it('throws RangeError when a total is not a safe integer', () => {
    // Each line is safe, their sum is not.
    const big = line('A', Number.MAX_SAFE_INTEGER - 1, 1, '6109100000', 1);
    expect(() => quote({ market: 'HK', currency: 'HKD', at: afterSuspension, lines: [big, big] }, defaultPricingConfig)).toThrow(
      RangeError,
    );
  });
});

describe('quote: properties', () => {
  const marketArb = fc.constantFrom<Market>('US', 'HK', 'MO');
  const lineArb = fc.record({
    sku: fc.string({ minLength: 1, maxLength: 8 }),
    quantity: fc.integer({ min: 1, max: 50 }),
    unitPriceFen: fc.integer({ min: 0, max: 5_000_000 }),
    hsCode: fc.stringMatching(/^\d{6,10}$/),
    originCountry: fc.constant('CN'),
    weightGrams: fc.integer({ min: 0, max: 30_000 }),
  });
  const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 6 });
  const atArb = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2027-12-31T23:59:59Z'), noInvalidDate: true });
  const rateArb = fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 6 }))
    .map(([whole, fraction, decimals]) =>
      decimals === 0 ? String(whole) : `${whole}.${String(fraction).padStart(6, '0').slice(0, decimals)}`,
    )
    .filter((rate) => /[1-9]/.test(rate));
  const configArb = fc.oneof(
    fc.constant<PricingConfig>(defaultPricingConfig),
    fc
      .tuple(rateArb, rateArb, rateArb)
      .map(([USD, HKD, MOP]): PricingConfig => ({ ...defaultPricingConfig, fxRates: { USD, HKD, MOP } })),
  );

  it('total = merchandise + shipping + duties, all integers, within half a minor unit of the exact quotients', () => {
    fc.assert(
      fc.property(marketArb, linesArb, atArb, configArb, (market, lines, at, config) => {
        const currency = marketCurrency[market];
        const result = quote({ market, currency, lines, at }, config);
        expect(result.total).toBe(result.merchandise + result.shipping + result.duties);
        for (const value of [result.merchandise, result.shipping, result.duties, result.total, result.settlementMerchandiseFen]) {
          expect(Number.isSafeInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
        }
        expect(result.fxRate).toBe(config.fxRates[currency]);
        const { num, den } = parseRate(result.fxRate);
        // |merchandise - fen x den / num| <= 1/2  <=>  |2 (merchandise x num - fen x den)| <= num
        const fen = lines.reduce((sum, l) => sum + BigInt(l.unitPriceFen) * BigInt(l.quantity), 0n);
        expect(BigInt(result.settlementMerchandiseFen)).toBe(fen);
        const twiceError = 2n * (BigInt(result.merchandise) * num - fen * den);
        expect(twiceError <= num && twiceError >= -num).toBe(true);
        const twiceShippingError = 2n * (BigInt(result.shipping) * num - BigInt(result.shippingFen) * den);
        expect(twiceShippingError <= num && twiceShippingError >= -num).toBe(true);
        // duties: |duties - base x den / (10000 num)| <= 1/2
        const base = result.lines.reduce((sum, l) => sum + BigInt(l.lineFen) * BigInt(l.dutyRateBps), 0n);
        const twiceDutyError = 2n * (BigInt(result.duties) * 10_000n * num - base * den);
        expect(twiceDutyError <= 10_000n * num && twiceDutyError >= -10_000n * num).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('charges no duties to HK and MO', () => {
    fc.assert(
      fc.property(fc.constantFrom<Market>('HK', 'MO'), linesArb, atArb, (market, lines, at) => {
        const result = quote({ market, currency: marketCurrency[market], lines, at }, defaultPricingConfig);
        expect(result.duties).toBe(0);
        expect(result.lines.every((l) => l.dutyRateBps === 0)).toBe(true);
      }),
    );
  });

  it('adding an item never lowers the total (or any part of it)', () => {
    fc.assert(
      fc.property(marketArb, linesArb, lineArb, atArb, configArb, (market, lines, extra, at, config) => {
        const currency = marketCurrency[market];
        const before = quote({ market, currency, lines, at }, config);
        const after = quote({ market, currency, lines: [...lines, extra], at }, config);
        expect(after.total).toBeGreaterThanOrEqual(before.total);
        expect(after.merchandise).toBeGreaterThanOrEqual(before.merchandise);
        expect(after.shipping).toBeGreaterThanOrEqual(before.shipping);
        expect(after.duties).toBeGreaterThanOrEqual(before.duties);
      }),
      { numRuns: 300 },
    );
  });
});
