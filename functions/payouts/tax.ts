/**
 * China individual income tax (IIT) withholding, exactly, in integer fen (DOMAIN.md
 * "Payout runs and withholding").
 *
 * Rounding is half-up to the fen and is applied to each result (a month's tax, a
 * payment's tax, a labour payment's taxable amount), never to intermediate cumulative
 * figures. Products are taken on bigints, so nothing passes through a binary float.
 *
 * Every function is pure and throws a RangeError on inputs that are not safe integers
 * (or are negative where an amount cannot be).
 */
import { divideHalfUp } from '../shared/money.js';

/** One row of a progressive table: applies to taxable amounts up to `upToFen` inclusive (null: no upper bound). */
export interface TaxBracket {
  readonly upToFen: number | null;
  /** Percent, e.g. 3 for 3%. */
  readonly ratePercent: number;
  readonly quickDeductionFen: number;
}

export type TaxTable = readonly TaxBracket[];

const yuan = (amount: number): number => amount * 100;

/** Resident comprehensive income, applied to cumulative taxable wages (annual table). */
export const annualTable: TaxTable = [
  { upToFen: yuan(36_000), ratePercent: 3, quickDeductionFen: 0 },
  { upToFen: yuan(144_000), ratePercent: 10, quickDeductionFen: yuan(2_520) },
  { upToFen: yuan(300_000), ratePercent: 20, quickDeductionFen: yuan(16_920) },
  { upToFen: yuan(420_000), ratePercent: 25, quickDeductionFen: yuan(31_920) },
  { upToFen: yuan(660_000), ratePercent: 30, quickDeductionFen: yuan(52_920) },
  { upToFen: yuan(960_000), ratePercent: 35, quickDeductionFen: yuan(85_920) },
  { upToFen: null, ratePercent: 45, quickDeductionFen: yuan(181_920) },
];

/** Non-residents' monthly table (wages and labour remuneration). */
export const monthlyTable: TaxTable = [
  { upToFen: yuan(3_000), ratePercent: 3, quickDeductionFen: 0 },
  { upToFen: yuan(12_000), ratePercent: 10, quickDeductionFen: yuan(210) },
  { upToFen: yuan(25_000), ratePercent: 20, quickDeductionFen: yuan(1_410) },
  { upToFen: yuan(35_000), ratePercent: 25, quickDeductionFen: yuan(2_660) },
  { upToFen: yuan(55_000), ratePercent: 30, quickDeductionFen: yuan(4_410) },
  { upToFen: yuan(80_000), ratePercent: 35, quickDeductionFen: yuan(7_160) },
  { upToFen: null, ratePercent: 45, quickDeductionFen: yuan(15_160) },
];

/** Residents' labour remuneration prepayment table. */
export const laborTable: TaxTable = [
  { upToFen: yuan(20_000), ratePercent: 20, quickDeductionFen: 0 },
  { upToFen: yuan(50_000), ratePercent: 30, quickDeductionFen: yuan(2_000) },
  { upToFen: null, ratePercent: 40, quickDeductionFen: yuan(7_000) },
];

/** Basic deduction per month employed (resident wages) and the non-resident wages deduction. */
export const monthlyBasicDeductionFen = yuan(5_000);
/** Low-income rule (STA 2020 No. 19): basic deduction of the whole year, from January. */
export const lowIncomeBasicDeductionFen = yuan(60_000);
/** Resident labour: fixed deduction for payments up to `laborFixedDeductionLimitFen`. */
export const laborFixedDeductionFen = yuan(800);
export const laborFixedDeductionLimitFen = yuan(4_000);

const checkInteger = (name: string, value: number): void => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} ${value} is not a safe integer`);
};

const checkAmount = (name: string, value: number): void => {
  checkInteger(name, value);
  if (value < 0) throw new RangeError(`${name} ${value} is negative`);
};

const toSafeNumber = (name: string, value: bigint): number => {
  const result = Number(value);
  if (!Number.isSafeInteger(result)) throw new RangeError(`${name} ${value} is not a safe integer`);
  return result;
};

/** The bracket a taxable amount falls in (bounds are inclusive). */
export const bracketFor = (table: TaxTable, taxableFen: number): TaxBracket => {
  const bracket = table.find((row) => row.upToFen === null || taxableFen <= row.upToFen) ?? table[table.length - 1];
  if (!bracket) throw new RangeError('empty tax table');
  return bracket;
};

/** round half-up(taxable x rate) - quick deduction; 0 when taxable <= 0. */
export const tableTaxFen = (table: TaxTable, taxableFen: number): number => {
  checkInteger('taxable', taxableFen);
  if (taxableFen <= 0) return 0;
  const { ratePercent, quickDeductionFen } = bracketFor(table, taxableFen);
  const tax = divideHalfUp(BigInt(taxableFen) * BigInt(ratePercent), 100n) - BigInt(quickDeductionFen);
  // The tables are continuous, so a positive taxable never yields a negative tax; clamp defensively.
  return tax > 0n ? toSafeNumber('tax', tax) : 0;
};

export const annualTableTaxFen = (cumulativeTaxableFen: number): number => tableTaxFen(annualTable, cumulativeTaxableFen);
export const monthlyTableTaxFen = (taxableFen: number): number => tableTaxFen(monthlyTable, taxableFen);
export const laborTableTaxFen = (taxableFen: number): number => tableTaxFen(laborTable, taxableFen);

// ---------------------------------------------------------------------------
// Resident wages: cumulative withholding (STA Announcement 2018 No. 61)
// ---------------------------------------------------------------------------

/** Year-to-date figures for one employee at one payer (withholding agent). */
export interface WagesYtd {
  year: number;
  cumulativeIncomeFen: number;
  cumulativeSpecialFen: number;
  cumulativeAdditionalFen: number;
  taxWithheldFen: number;
  /** The last month (1..12) the figures run through; absent in figures stored before it was kept (then: the month before). */
  throughMonth?: number;
}

export interface ResidentWagesMonthInput {
  /** The figures through the previous month paid; null (or another year's) starts the year afresh. */
  readonly ytd: WagesYtd | null;
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..12: the later of January and the contract's start month in this year; <= month. */
  readonly startMonth: number;
  readonly incomeFen: number;
  /** Special deductions (social insurance, housing fund) of this month. */
  readonly specialFen: number;
  /** Special additional deductions (children, elderly care, ...) of this month. */
  readonly additionalFen: number;
  readonly lowIncomeRule: boolean;
}

export interface ResidentWagesMonthResult {
  readonly taxFen: number;
  /** May be negative (deductions exceed income so far); the table then gives 0. */
  readonly cumulativeTaxableFen: number;
  readonly ytd: WagesYtd;
}

export const emptyWagesYtd = (year: number): WagesYtd => ({
  year,
  cumulativeIncomeFen: 0,
  cumulativeSpecialFen: 0,
  cumulativeAdditionalFen: 0,
  taxWithheldFen: 0,
});

/**
 * One month's withholding by the cumulative method.
 *
 * - Months employed = month - startMonth + 1; the basic deduction is 5,000 yuan per
 *   month employed, or 60,000 yuan from January under the low-income rule (whatever
 *   the start month).
 * - Special deductions accumulate as passed: only months that are passed (paid) count.
 * - Special additional deductions accumulate like the basic deduction, for every month
 *   employed: a month never passed (no payout line) still counts, at this month's amount
 *   (from the month after `ytd.throughMonth`, or from `startMonth` in a fresh year).
 * - tax = round(annual table(cumulative taxable)) - tax already withheld this year,
 *   never below 0 (no refund during the year). Hence the year's total withheld is the
 *   largest annual-table tax of any month's cumulative taxable so far.
 * - A ytd of another year is ignored (the tax year is the calendar year).
 */
export const residentWagesMonth = (input: ResidentWagesMonthInput): ResidentWagesMonthResult => {
  const { year, month, startMonth, incomeFen, specialFen, additionalFen, lowIncomeRule } = input;
  checkInteger('year', year);
  checkInteger('month', month);
  checkInteger('startMonth', startMonth);
  if (month < 1 || month > 12) throw new RangeError(`month ${month} is not 1..12`);
  if (startMonth < 1 || startMonth > month) throw new RangeError(`startMonth ${startMonth} is not 1..${month}`);
  checkAmount('income', incomeFen);
  checkAmount('special deductions', specialFen);
  checkAmount('special additional deductions', additionalFen);

  const previous = input.ytd !== null && input.ytd.year === year ? input.ytd : emptyWagesYtd(year);
  const cumulativeIncome = BigInt(previous.cumulativeIncomeFen) + BigInt(incomeFen);
  const cumulativeSpecial = BigInt(previous.cumulativeSpecialFen) + BigInt(specialFen);
  const fresh = input.ytd === null || input.ytd.year !== year;
  const additionalFrom = fresh ? startMonth : Math.max(startMonth, (previous.throughMonth ?? month - 1) + 1);
  const additionalMonths = BigInt(Math.max(0, month - additionalFrom + 1));
  const cumulativeAdditional = BigInt(previous.cumulativeAdditionalFen) + BigInt(additionalFen) * additionalMonths;
  const monthsEmployed = BigInt(month - startMonth + 1);
  const basic = lowIncomeRule ? BigInt(lowIncomeBasicDeductionFen) : BigInt(monthlyBasicDeductionFen) * monthsEmployed;
  const cumulativeTaxableFen = toSafeNumber(
    'cumulative taxable',
    cumulativeIncome - basic - cumulativeSpecial - cumulativeAdditional,
  );

  const due = annualTableTaxFen(cumulativeTaxableFen) - previous.taxWithheldFen;
  const taxFen = due > 0 ? due : 0;
  return {
    taxFen,
    cumulativeTaxableFen,
    ytd: {
      year,
      cumulativeIncomeFen: toSafeNumber('cumulative income', cumulativeIncome),
      cumulativeSpecialFen: toSafeNumber('cumulative special deductions', cumulativeSpecial),
      cumulativeAdditionalFen: toSafeNumber('cumulative special additional deductions', cumulativeAdditional),
      taxWithheldFen: previous.taxWithheldFen + taxFen,
      throughMonth: month,
    },
  };
};

// ---------------------------------------------------------------------------
// Resident labour remuneration (prepayment)
// ---------------------------------------------------------------------------

/** payment - 800 yuan if payment <= 4,000 yuan (never below 0), else payment x 80% rounded half-up to the fen. */
export const residentLaborTaxableFen = (paymentFen: number): number => {
  checkAmount('payment', paymentFen);
  if (paymentFen <= laborFixedDeductionLimitFen) return Math.max(0, paymentFen - laborFixedDeductionFen);
  return toSafeNumber('taxable', divideHalfUp(BigInt(paymentFen) * 4n, 5n));
};

export const residentLaborTaxFen = (paymentFen: number): number => laborTableTaxFen(residentLaborTaxableFen(paymentFen));

/**
 * Payments from the same source in one month are one "time": each payment withholds the
 * tax on the month's total so far minus what the earlier payments withheld, never
 * negative. Returns one withholding per payment, in order.
 */
export const residentLaborMonthFen = (paymentsFen: readonly number[]): number[] => {
  let total = 0;
  let withheld = 0;
  return paymentsFen.map((paymentFen) => {
    checkAmount('payment', paymentFen);
    total += paymentFen;
    checkInteger('month total', total);
    const due = residentLaborTaxFen(total) - withheld;
    const tax = due > 0 ? due : 0;
    withheld += tax;
    return tax;
  });
};

// ---------------------------------------------------------------------------
// Non-residents
// ---------------------------------------------------------------------------

/** Monthly table on (monthly wages - 5,000 yuan), not below 0. */
export const nonResidentWagesTaxFen = (monthlyWagesFen: number): number => {
  checkAmount('wages', monthlyWagesFen);
  return monthlyTableTaxFen(Math.max(0, monthlyWagesFen - monthlyBasicDeductionFen));
};

/** payment x 80%, rounded half-up to the fen. */
export const nonResidentLaborTaxableFen = (paymentFen: number): number => {
  checkAmount('payment', paymentFen);
  return toSafeNumber('taxable', divideHalfUp(BigInt(paymentFen) * 4n, 5n));
};

/** Monthly table on payment x 80%. */
export const nonResidentLaborTaxFen = (paymentFen: number): number =>
  monthlyTableTaxFen(nonResidentLaborTaxableFen(paymentFen));
