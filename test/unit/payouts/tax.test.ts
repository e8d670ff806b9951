import fc from 'fast-check';
import {
  annualTable,
  annualTableTaxFen,
  laborTable,
  laborTableTaxFen,
  monthlyTable,
  monthlyTableTaxFen,
  nonResidentLaborTaxFen,
  nonResidentWagesTaxFen,
  residentLaborMonthFen,
  residentLaborTaxableFen,
  residentLaborTaxFen,
  residentWagesMonth,
  type TaxTable,
  type WagesYtd,
} from '../../../functions/payouts/tax.js';

const yuan = (amount: number): number => Math.round(amount * 100);

interface MonthFigures {
  readonly incomeFen: number;
  readonly specialFen?: number;
  readonly additionalFen?: number;
}

/** Runs consecutive months from startMonth, threading the ytd; returns each month's result. */
const runYear = (months: readonly MonthFigures[], options: { startMonth?: number; lowIncomeRule?: boolean } = {}) => {
  const startMonth = options.startMonth ?? 1;
  let ytd: WagesYtd | null = null;
  return months.map((figures, index) => {
    const result = residentWagesMonth({
      ytd,
      year: 2026,
      month: startMonth + index,
      startMonth,
      incomeFen: figures.incomeFen,
      specialFen: figures.specialFen ?? 0,
      additionalFen: figures.additionalFen ?? 0,
      lowIncomeRule: options.lowIncomeRule ?? false,
    });
    ytd = result.ytd;
    return result;
  });
};

describe('worked examples (DOMAIN.md)', () => {
  it('resident wages 30,000/month, special 4,500, additional 2,000, Jan-Mar: 555.00, 625.00, 1,850.00', () => {
    const month = { incomeFen: yuan(30_000), specialFen: yuan(4_500), additionalFen: yuan(2_000) };
    const results = runYear([month, month, month]);
    // Jan 18,500 x 3% = 555; Feb 37,000 x 10% - 2,520 = 1,180 - 555 = 625; Mar 55,500 x 10% - 2,520 = 3,030 - 1,180 = 1,850
    expect(results.map((r) => r.taxFen)).toEqual([yuan(555), yuan(625), yuan(1_850)]);
    expect(results.map((r) => r.cumulativeTaxableFen)).toEqual([yuan(18_500), yuan(37_000), yuan(55_500)]);
    expect(results[2]!.ytd).toEqual({
      year: 2026,
      cumulativeIncomeFen: yuan(90_000),
      cumulativeSpecialFen: yuan(13_500),
      cumulativeAdditionalFen: yuan(6_000),
      taxWithheldFen: yuan(3_030),
      throughMonth: 3,
    });
  });

  it('payout-run example: no line in January, February 20,000 withholds 150.00 (additional counts both months, special only February)', () => {
    const february = residentWagesMonth({ ytd: null, year: 2027, month: 2, startMonth: 1, incomeFen: yuan(20_000), specialFen: yuan(1_000), additionalFen: yuan(2_000), lowIncomeRule: false });
    // 20,000 - 5,000 x 2 - 1,000 - 2,000 x 2 = 5,000 at 3%
    expect(february.cumulativeTaxableFen).toBe(yuan(5_000));
    expect(february.taxFen).toBe(yuan(150));
    expect(february.ytd).toMatchObject({ cumulativeSpecialFen: yuan(1_000), cumulativeAdditionalFen: yuan(4_000), throughMonth: 2 });
  });

  it('counts special additional deductions for months skipped between two paid months, not special ones', () => {
    const base = { year: 2027, startMonth: 1, specialFen: yuan(1_000), additionalFen: yuan(2_000), lowIncomeRule: false };
    const january = residentWagesMonth({ ...base, ytd: null, month: 1, incomeFen: yuan(10_000) });
    const april = residentWagesMonth({ ...base, ytd: january.ytd, month: 4, incomeFen: yuan(30_000) });
    // 40,000 - 5,000 x 4 - 1,000 x 2 - 2,000 x 4 = 10,000
    expect(april.cumulativeTaxableFen).toBe(yuan(10_000));
    expect(april.ytd).toMatchObject({ cumulativeSpecialFen: yuan(2_000), cumulativeAdditionalFen: yuan(8_000), throughMonth: 4 });
  });

  it('resident wages, low-income rule, 6,000 x 12: 0.00 x 10, then 180.00, 180.00', () => {
    const results = runYear(Array.from({ length: 12 }, () => ({ incomeFen: yuan(6_000) })), { lowIncomeRule: true });
    expect(results.map((r) => r.taxFen)).toEqual([...Array.from({ length: 10 }, () => 0), yuan(180), yuan(180)]);
  });

  it.each([
    [800, 0],
    [2_000, 240], // (2,000 - 800) x 20%
    [4_000, 640], // (4,000 - 800) x 20%
    [6_000, 960], // 4,800 x 20%
    [40_000, 7_600], // 32,000 x 30% - 2,000
    [60_000, 12_400], // 48,000 x 30% - 2,000
  ])('resident labour %d withholds %d', (payment, tax) => {
    expect(residentLaborTaxFen(yuan(payment))).toBe(yuan(tax));
    expect(residentLaborMonthFen([yuan(payment)])).toEqual([yuan(tax)]);
  });

  it('resident labour, two payments in a month, 20,000 then 20,000: 3,200.00, 4,400.00', () => {
    // 16,000 x 20% = 3,200; total 40,000 -> 7,600 - 3,200 = 4,400
    expect(residentLaborMonthFen([yuan(20_000), yuan(20_000)])).toEqual([yuan(3_200), yuan(4_400)]);
  });

  it('non-resident labour 20,000: 1,790.00', () => {
    // 16,000 x 20% - 1,410
    expect(nonResidentLaborTaxFen(yuan(20_000))).toBe(yuan(1_790));
  });

  it('non-resident wages 8,000: 90.00', () => {
    // (8,000 - 5,000) x 3%
    expect(nonResidentWagesTaxFen(yuan(8_000))).toBe(yuan(90));
  });
});

/**
 * Each table at each bound b (fen), b - 1 and b + 1. Every bound is a whole yuan and
 * the tables are continuous, so tax(b) is exact; one fen either side moves the exact
 * tax by at most 0.45 fen, which half-up rounding takes back to tax(b).
 */
describe('bracket boundaries', () => {
  // [taxable fen, tax fen] — worked by hand
  const annualCases: readonly (readonly [number, number])[] = [
    [3_599_999, 108_000], // 3% -> 107,999.97 -> 108,000
    [3_600_000, 108_000], // 36,000.00 x 3% = 1,080.00
    [3_600_001, 108_000], // 10% -> 360,000.1 - 252,000 = 108,000.1 -> 108,000
    [14_399_999, 1_188_000], // 10% -> 1,439,999.9 - 252,000 -> 1,188,000
    [14_400_000, 1_188_000], // 144,000 x 10% - 2,520 = 11,880.00
    [14_400_001, 1_188_000], // 20% -> 2,880,000.2 - 1,692,000 -> 1,188,000
    [29_999_999, 4_308_000], // 20% -> 5,999,999.8 - 1,692,000 -> 4,308,000
    [30_000_000, 4_308_000], // 300,000 x 20% - 16,920 = 43,080.00
    [30_000_001, 4_308_000], // 25% -> 7,500,000.25 - 3,192,000 -> 4,308,000
    [41_999_999, 7_308_000], // 25% -> 10,499,999.75 - 3,192,000 -> 7,308,000
    [42_000_000, 7_308_000], // 420,000 x 25% - 31,920 = 73,080.00
    [42_000_001, 7_308_000], // 30% -> 12,600,000.3 - 5,292,000 -> 7,308,000
    [65_999_999, 14_508_000], // 30% -> 19,799,999.7 - 5,292,000 -> 14,508,000
    [66_000_000, 14_508_000], // 660,000 x 30% - 52,920 = 145,080.00
    [66_000_001, 14_508_000], // 35% -> 23,100,000.35 - 8,592,000 -> 14,508,000
    [95_999_999, 25_008_000], // 35% -> 33,599,999.65 - 8,592,000 -> 25,008,000
    [96_000_000, 25_008_000], // 960,000 x 35% - 85,920 = 250,080.00
    [96_000_001, 25_008_000], // 45% -> 43,200,000.45 - 18,192,000 -> 25,008,000
  ];
  const monthlyCases: readonly (readonly [number, number])[] = [
    [299_999, 9_000], // 3% -> 8,999.97 -> 9,000
    [300_000, 9_000], // 3,000 x 3% = 90.00
    [300_001, 9_000], // 10% -> 30,000.1 - 21,000 -> 9,000
    [1_199_999, 99_000], // 10% -> 119,999.9 - 21,000 -> 99,000
    [1_200_000, 99_000], // 12,000 x 10% - 210 = 990.00
    [1_200_001, 99_000], // 20% -> 240,000.2 - 141,000 -> 99,000
    [2_499_999, 359_000], // 20% -> 499,999.8 - 141,000 -> 359,000
    [2_500_000, 359_000], // 25,000 x 20% - 1,410 = 3,590.00
    [2_500_001, 359_000], // 25% -> 625,000.25 - 266,000 -> 359,000
    [3_499_999, 609_000], // 25% -> 874,999.75 - 266,000 -> 609,000
    [3_500_000, 609_000], // 35,000 x 25% - 2,660 = 6,090.00
    [3_500_001, 609_000], // 30% -> 1,050,000.3 - 441,000 -> 609,000
    [5_499_999, 1_209_000], // 30% -> 1,649,999.7 - 441,000 -> 1,209,000
    [5_500_000, 1_209_000], // 55,000 x 30% - 4,410 = 12,090.00
    [5_500_001, 1_209_000], // 35% -> 1,925,000.35 - 716,000 -> 1,209,000
    [7_999_999, 2_084_000], // 35% -> 2,799,999.65 - 716,000 -> 2,084,000
    [8_000_000, 2_084_000], // 80,000 x 35% - 7,160 = 20,840.00
    [8_000_001, 2_084_000], // 45% -> 3,600,000.45 - 1,516,000 -> 2,084,000
  ];
  const laborCases: readonly (readonly [number, number])[] = [
    [1_999_999, 400_000], // 20% -> 399,999.8 -> 400,000
    [2_000_000, 400_000], // 20,000 x 20% = 4,000.00
    [2_000_001, 400_000], // 30% -> 600,000.3 - 200,000 -> 400,000
    [4_999_999, 1_300_000], // 30% -> 1,499,999.7 - 200,000 -> 1,300,000
    [5_000_000, 1_300_000], // 50,000 x 30% - 2,000 = 13,000.00
    [5_000_001, 1_300_000], // 40% -> 2,000,000.4 - 700,000 -> 1,300,000
  ];

  it.each(annualCases)('annual table: taxable %d fen -> %d fen', (taxable, tax) => {
    expect(annualTableTaxFen(taxable)).toBe(tax);
  });
  it.each(monthlyCases)('monthly table: taxable %d fen -> %d fen', (taxable, tax) => {
    expect(monthlyTableTaxFen(taxable)).toBe(tax);
  });
  it.each(laborCases)('labour table: taxable %d fen -> %d fen', (taxable, tax) => {
    expect(laborTableTaxFen(taxable)).toBe(tax);
  });

  it('covers every bound of every table', () => {
    const bounds = (table: TaxTable) => table.flatMap((row) => (row.upToFen === null ? [] : [row.upToFen]));
    expect(bounds(annualTable)).toEqual(annualCases.filter((_, i) => i % 3 === 1).map(([b]) => b));
    expect(bounds(monthlyTable)).toEqual(monthlyCases.filter((_, i) => i % 3 === 1).map(([b]) => b));
    expect(bounds(laborTable)).toEqual(laborCases.filter((_, i) => i % 3 === 1).map(([b]) => b));
  });

  it('rounds half-up to the fen, and gives 0 for taxable <= 0', () => {
    for (const taxFor of [annualTableTaxFen, monthlyTableTaxFen]) {
      expect(taxFor(-1_000_000)).toBe(0);
      expect(taxFor(-1)).toBe(0);
      expect(taxFor(0)).toBe(0);
      expect(taxFor(16)).toBe(0); // 0.48
      expect(taxFor(17)).toBe(1); // 0.51
      expect(taxFor(49)).toBe(1); // 1.47
      expect(taxFor(50)).toBe(2); // 1.5 -> 2 (half-up)
    }
    expect(laborTableTaxFen(0)).toBe(0);
    expect(laborTableTaxFen(2)).toBe(0); // 0.4
    expect(laborTableTaxFen(3)).toBe(1); // 0.6
    expect(laborTableTaxFen(-5)).toBe(0);
    // first fen that moves above a bound: 3,600,005 x 10% = 360,000.5 -> 360,001 - 252,000
    expect(annualTableTaxFen(3_600_005)).toBe(108_001);
    expect(annualTableTaxFen(3_600_004)).toBe(108_000); // 360,000.4
  });

  it('resident labour taxable: fixed 800 up to 4,000, then 80% rounded half-up', () => {
    expect(residentLaborTaxableFen(0)).toBe(0);
    expect(residentLaborTaxableFen(79_999)).toBe(0); // 799.99 - 800 < 0 -> 0
    expect(residentLaborTaxableFen(80_000)).toBe(0);
    expect(residentLaborTaxableFen(80_001)).toBe(1);
    expect(residentLaborTaxableFen(399_999)).toBe(319_999); // 3,999.99 - 800
    expect(residentLaborTaxableFen(400_000)).toBe(320_000); // 4,000 - 800 = 3,200 = 4,000 x 80%
    expect(residentLaborTaxableFen(400_001)).toBe(320_001); // 320,000.8 -> 320,001
    expect(residentLaborTaxableFen(400_002)).toBe(320_002); // 320,001.6 -> 320,002
    expect(residentLaborTaxableFen(400_003)).toBe(320_002); // 320,002.4 -> 320,002
    // taxable at the labour table's bounds: 25,000 x 80% = 20,000; 62,500 x 80% = 50,000
    expect(residentLaborTaxFen(yuan(25_000))).toBe(yuan(4_000));
    expect(residentLaborTaxFen(yuan(62_500))).toBe(yuan(13_000));
    expect(residentLaborTaxFen(yuan(62_500) + 1)).toBe(yuan(13_000)); // 5,000,000.8 -> 5,000,001 -> 2,000,000.4 - 700,000
  });

  it('non-resident wages: nothing up to 5,000, then the monthly table', () => {
    expect(nonResidentWagesTaxFen(0)).toBe(0);
    expect(nonResidentWagesTaxFen(yuan(5_000))).toBe(0);
    expect(nonResidentWagesTaxFen(yuan(5_000) + 1)).toBe(0); // 0.03 fen
    expect(nonResidentWagesTaxFen(yuan(5_000) + 17)).toBe(1); // 0.51 fen
    expect(nonResidentWagesTaxFen(yuan(17_000))).toBe(yuan(990)); // 12,000 x 10% - 210
  });

  it('non-resident labour: 80% rounded half-up, then the monthly table', () => {
    expect(nonResidentLaborTaxFen(yuan(3_750))).toBe(yuan(90)); // 3,000 x 3%
    expect(nonResidentLaborTaxFen(yuan(100_000))).toBe(yuan(20_840)); // 80,000 x 35% - 7,160
    expect(nonResidentLaborTaxFen(1)).toBe(0); // 0.8 -> 1 fen taxable -> 0.03 -> 0
  });
});

describe('resident wages, cumulative method', () => {
  it('counts months employed from the contract start month (April)', () => {
    const results = runYear(
      [{ incomeFen: yuan(10_000) }, { incomeFen: yuan(10_000) }, { incomeFen: yuan(10_000) }],
      { startMonth: 4 },
    );
    // Apr: 10,000 - 5,000 x 1 = 5,000 x 3% = 150; May: 20,000 - 10,000 = 10,000 -> 300 - 150; Jun: 15,000 -> 450 - 300
    expect(results.map((r) => r.cumulativeTaxableFen)).toEqual([yuan(5_000), yuan(10_000), yuan(15_000)]);
    expect(results.map((r) => r.taxFen)).toEqual([yuan(150), yuan(150), yuan(150)]);
    // Counted from January instead, April would deduct 20,000 and withhold nothing.
    const fromJanuary = residentWagesMonth({
      ytd: null,
      year: 2026,
      month: 4,
      startMonth: 1,
      incomeFen: yuan(10_000),
      specialFen: 0,
      additionalFen: 0,
      lowIncomeRule: false,
    });
    expect(fromJanuary.cumulativeTaxableFen).toBe(yuan(-10_000));
    expect(fromJanuary.taxFen).toBe(0);
  });

  it('resets a ytd of another year', () => {
    const lastYear: WagesYtd = {
      year: 2025,
      cumulativeIncomeFen: yuan(400_000),
      cumulativeSpecialFen: yuan(50_000),
      cumulativeAdditionalFen: yuan(24_000),
      taxWithheldFen: yuan(40_000),
    };
    const input = {
      year: 2026,
      month: 1,
      startMonth: 1,
      incomeFen: yuan(30_000),
      specialFen: yuan(4_500),
      additionalFen: yuan(2_000),
      lowIncomeRule: false,
    };
    const result = residentWagesMonth({ ...input, ytd: lastYear });
    expect(result).toEqual(residentWagesMonth({ ...input, ytd: null }));
    expect(result.taxFen).toBe(yuan(555));
    expect(result.ytd.year).toBe(2026);
    expect(result.ytd.cumulativeIncomeFen).toBe(yuan(30_000));
  });

  it('withholds nothing (and refunds nothing) in a month without income', () => {
    const results = runYear([
      { incomeFen: yuan(30_000), specialFen: yuan(4_500), additionalFen: yuan(2_000) },
      { incomeFen: 0, specialFen: yuan(4_500), additionalFen: yuan(2_000) },
      { incomeFen: yuan(30_000), specialFen: yuan(4_500), additionalFen: yuan(2_000) },
    ]);
    // Jan 18,500 -> 555; Feb -> 30,000 - 10,000 - 9,000 - 4,000 = 7,000 -> 210 - 555 < 0 -> 0;
    // Mar 60,000 - 15,000 - 13,500 - 6,000 = 25,500 -> 765 - 555 = 210
    expect(results.map((r) => r.taxFen)).toEqual([yuan(555), 0, yuan(210)]);
    expect(results[1]!.ytd.taxWithheldFen).toBe(yuan(555));
  });

  it('refuses inconsistent months and amounts', () => {
    const base = {
      ytd: null,
      year: 2026,
      month: 3,
      startMonth: 1,
      incomeFen: 0,
      specialFen: 0,
      additionalFen: 0,
      lowIncomeRule: false,
    };
    expect(() => residentWagesMonth({ ...base, month: 13 })).toThrow(RangeError);
    expect(() => residentWagesMonth({ ...base, startMonth: 4 })).toThrow(RangeError);
    expect(() => residentWagesMonth({ ...base, incomeFen: -1 })).toThrow(RangeError);
    expect(() => residentWagesMonth({ ...base, incomeFen: 0.5 })).toThrow(RangeError);
    expect(() => residentLaborTaxFen(-1)).toThrow(RangeError);
  });
});

describe('properties', () => {
  const fen = fc.integer({ min: 0, max: 200_000_000 }); // up to 2,000,000 yuan
  const taxable = fc.integer({ min: -10_000_000, max: 200_000_000 });
  const tableFunctions = [
    ['annual table', annualTableTaxFen, annualTable],
    ['monthly table', monthlyTableTaxFen, monthlyTable],
    ['labour table', laborTableTaxFen, laborTable],
  ] as const;
  const paymentFunctions = [
    ['resident labour', residentLaborTaxFen],
    ['non-resident wages', nonResidentWagesTaxFen],
    ['non-resident labour', nonResidentLaborTaxFen],
  ] as const;

  describe.each(tableFunctions)('%s', (_name, taxFor, table) => {
    it('is never negative and never decreasing in taxable', () => {
      fc.assert(
        fc.property(taxable, taxable, (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(taxFor(low)).toBeGreaterThanOrEqual(0);
          expect(taxFor(high)).toBeGreaterThanOrEqual(taxFor(low));
        }),
      );
    });

    it('rises by at most 1 fen per fen of taxable, everywhere and at every bound', () => {
      fc.assert(
        fc.property(taxable, (x) => {
          const step = taxFor(x + 1) - taxFor(x);
          expect(step).toBeGreaterThanOrEqual(0);
          expect(step).toBeLessThanOrEqual(1);
        }),
      );
      for (const { upToFen } of table) {
        if (upToFen === null) continue;
        for (const x of [upToFen - 2, upToFen - 1, upToFen, upToFen + 1]) {
          expect(taxFor(x + 1) - taxFor(x)).toBeLessThanOrEqual(1);
        }
      }
    });
  });

  describe.each(paymentFunctions)('%s', (_name, taxFor) => {
    it('is never negative, never decreasing, and rises at most 1 fen per fen', () => {
      fc.assert(
        fc.property(fen, fen, (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(taxFor(low)).toBeGreaterThanOrEqual(0);
          expect(taxFor(high)).toBeGreaterThanOrEqual(taxFor(low));
          const step = taxFor(low + 1) - taxFor(low);
          expect(step).toBeGreaterThanOrEqual(0);
          expect(step).toBeLessThanOrEqual(1);
        }),
      );
    });
  });

  it('resident labour in one month: never negative, and in total the tax on the month total', () => {
    fc.assert(
      fc.property(fc.array(fen, { minLength: 1, maxLength: 8 }), (payments) => {
        const withheld = residentLaborMonthFen(payments);
        expect(withheld).toHaveLength(payments.length);
        for (const tax of withheld) expect(tax).toBeGreaterThanOrEqual(0);
        const total = payments.reduce((sum, p) => sum + p, 0);
        expect(withheld.reduce((sum, t) => sum + t, 0)).toBe(residentLaborTaxFen(total));
      }),
    );
  });

  const ytdArbitrary = fc.record({
    year: fc.constant(2026),
    cumulativeIncomeFen: fc.integer({ min: 0, max: 500_000_000 }),
    cumulativeSpecialFen: fc.integer({ min: 0, max: 10_000_000 }),
    cumulativeAdditionalFen: fc.integer({ min: 0, max: 10_000_000 }),
    taxWithheldFen: fc.integer({ min: 0, max: 100_000_000 }),
  });
  const monthInput = fc.record({
    ytd: fc.option(ytdArbitrary, { nil: null }),
    startMonth: fc.integer({ min: 1, max: 12 }),
    monthOffset: fc.integer({ min: 0, max: 11 }),
    specialFen: fc.integer({ min: 0, max: 1_000_000 }),
    additionalFen: fc.integer({ min: 0, max: 1_000_000 }),
    lowIncomeRule: fc.boolean(),
  });

  it('resident wages: a month is never negative, never decreasing in income, and rises at most 1 fen per fen', () => {
    fc.assert(
      fc.property(monthInput, fen, fen, (m, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const month = Math.min(12, m.startMonth + m.monthOffset);
        const taxFor = (incomeFen: number) =>
          residentWagesMonth({
            ytd: m.ytd,
            year: 2026,
            month,
            startMonth: m.startMonth,
            incomeFen,
            specialFen: m.specialFen,
            additionalFen: m.additionalFen,
            lowIncomeRule: m.lowIncomeRule,
          }).taxFen;
        expect(taxFor(low)).toBeGreaterThanOrEqual(0);
        expect(taxFor(high)).toBeGreaterThanOrEqual(taxFor(low));
        expect(taxFor(low + 1) - taxFor(low)).toBeLessThanOrEqual(1);
      }),
    );
  });

  const monthFigures = fc.record({
    incomeFen: fc.integer({ min: 0, max: 20_000_000 }),
    specialFen: fc.integer({ min: 0, max: 1_000_000 }),
    additionalFen: fc.integer({ min: 0, max: 600_000 }),
  });
  const yearOf = fc
    .record({ startMonth: fc.integer({ min: 1, max: 12 }), lowIncomeRule: fc.boolean() })
    .chain(({ startMonth, lowIncomeRule }) =>
      fc.record({
        startMonth: fc.constant(startMonth),
        lowIncomeRule: fc.constant(lowIncomeRule),
        months: fc.array(monthFigures, { minLength: 13 - startMonth, maxLength: 13 - startMonth }),
      }),
    );

  /** T_m = cumulative income - basic deduction - cumulative special - cumulative additional, computed independently. */
  const cumulativeTaxables = (year: { startMonth: number; lowIncomeRule: boolean; months: readonly MonthFigures[] }) => {
    let net = 0;
    return year.months.map((m, index) => {
      net += m.incomeFen - (m.specialFen ?? 0) - (m.additionalFen ?? 0);
      return net - (year.lowIncomeRule ? 6_000_000 : 500_000 * (index + 1));
    });
  };

  it('resident wages over a year: total withheld = the largest annual-table tax of any cumulative taxable so far', () => {
    // tax_m = max(0, A(T_m) - W_{m-1}) gives W_m = max(W_{m-1}, A(T_m)); so W_final = max(0, A(T_1), ..., A(T_n)).
    fc.assert(
      fc.property(yearOf, (year) => {
        const results = runYear(year.months, year);
        const withheld = results.map((r) => r.taxFen);
        for (const tax of withheld) expect(tax).toBeGreaterThanOrEqual(0);
        const taxables = cumulativeTaxables(year);
        expect(results.map((r) => r.cumulativeTaxableFen)).toEqual(taxables);
        const total = withheld.reduce((sum, t) => sum + t, 0);
        expect(total).toBe(Math.max(0, ...taxables.map(annualTableTaxFen)));
        expect(results.at(-1)!.ytd.taxWithheldFen).toBe(total);
      }),
    );
  });

  it('resident wages over a year: when no month is clamped at 0, the months sum to round(annual table(final taxable))', () => {
    // Each month's income covers its own deductions (5,000 basic unless the low-income rule applies, plus
    // special and additional), so T_m never decreases, A(T_m) - W_{m-1} = A(T_m) - A(T_{m-1}) >= 0 every month
    // (no clamping), and the withholdings telescope: sum_m tax_m = A(T_final), T_final = the year's total taxable.
    const covered = yearOf.chain((year) =>
      fc
        .array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: year.months.length, maxLength: year.months.length })
        .map((extras) => ({
          ...year,
          months: year.months.map((m, index) => ({
            ...m,
            incomeFen: (year.lowIncomeRule ? 0 : 500_000) + m.specialFen + m.additionalFen + (extras[index] ?? 0),
          })),
        })),
    );
    fc.assert(
      fc.property(covered, (year) => {
        const results = runYear(year.months, year);
        const taxables = cumulativeTaxables(year);
        let previousTableTax = 0;
        for (const [index, t] of taxables.entries()) {
          const unclamped = annualTableTaxFen(t) - previousTableTax;
          expect(unclamped).toBeGreaterThanOrEqual(0);
          expect(results[index]!.taxFen).toBe(unclamped);
          previousTableTax = annualTableTaxFen(t);
        }
        const finalTaxable = taxables.at(-1)!;
        const total = results.reduce((sum, r) => sum + r.taxFen, 0);
        expect(total).toBe(annualTableTaxFen(finalTaxable));
      }),
    );
  });
});
