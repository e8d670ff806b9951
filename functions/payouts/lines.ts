/**
 * A creator's payout line for a period (pure), per DOMAIN.md "Payout runs and withholding":
 *
 * | contract | category | agency fee | taxable income | tax | net |
 * | agency, resident | wages | gross x feeBps | gross - fee | cumulative method | taxable - tax |
 * | agency, non-resident | wages | gross x feeBps | gross - fee | monthly table on taxable - 5,000 | taxable - tax |
 * | personal, resident | labour | 0 | gross - 800 (<= 4,000) or x 80% | labour table | gross - tax |
 * | personal, non-resident | labour | 0 | gross x 80% | monthly table | gross - tax |
 */
import { divideHalfUp } from '../shared/money.js';
import type { CreatorTerms } from './creators.js';
import type { PayoutLine } from './payout-line.js';
import {
  nonResidentLaborTaxableFen,
  nonResidentLaborTaxFen,
  nonResidentWagesTaxFen,
  residentLaborTaxableFen,
  residentLaborTaxFen,
  residentWagesMonth,
  type WagesYtd,
} from './tax.js';

export interface LineInput {
  readonly creatorId: string;
  readonly period: string;
  readonly grossFen: number;
  readonly terms: CreatorTerms;
  readonly agency: { readonly agencyId: string; readonly name: string; readonly feeBps: number } | null;
  /** Year-to-date wages at this agency (resident wages only). */
  readonly ytd: WagesYtd | null;
}

export interface LineResult {
  readonly line: PayoutLine;
  /** The new year-to-date state to store with the line (resident wages only). */
  readonly ytd: WagesYtd | null;
}

/** The later of January and the contract's start month, in the period's year. */
export const startMonthIn = (year: number, month: number, startsOn: string): number => {
  const [startYear = 0, startMonth = 1] = startsOn.split('-').map(Number);
  if (startYear < year) return 1;
  if (startYear > year) return month;
  return Math.min(startMonth, month);
};

export const computeLine = (input: LineInput): LineResult => {
  const { terms, grossFen } = input;
  const [year = 0, month = 0] = input.period.split('-').map(Number);
  const base = {
    creatorId: input.creatorId,
    displayName: terms.displayName,
    contractType: terms.contract.type,
    taxResidency: terms.taxResidency,
    grossFen,
  };
  if (terms.contract.type === 'agency') {
    if (!input.agency) throw new RangeError(`creator ${input.creatorId} has an agency contract but no agency`);
    const agencyFeeFen = Number(divideHalfUp(BigInt(grossFen) * BigInt(input.agency.feeBps), 10_000n));
    const taxableIncomeFen = grossFen - agencyFeeFen;
    let taxWithheldFen: number;
    let ytd: WagesYtd | null = null;
    if (terms.taxResidency === 'resident') {
      const month1 = residentWagesMonth({
        ytd: input.ytd,
        year,
        month,
        startMonth: startMonthIn(year, month, terms.contract.startsOn),
        incomeFen: taxableIncomeFen,
        specialFen: terms.deductions.monthlySpecialFen,
        additionalFen: terms.deductions.monthlySpecialAdditionalFen,
        lowIncomeRule: terms.lowIncomeRule,
      });
      taxWithheldFen = month1.taxFen;
      ytd = month1.ytd;
    } else {
      taxWithheldFen = nonResidentWagesTaxFen(taxableIncomeFen);
    }
    return {
      line: {
        ...base,
        agencyId: input.agency.agencyId,
        agencyName: input.agency.name,
        incomeCategory: 'wages',
        agencyFeeFen,
        taxableIncomeFen,
        taxWithheldFen,
        netFen: taxableIncomeFen - taxWithheldFen,
      },
      ytd,
    };
  }
  const resident = terms.taxResidency === 'resident';
  const taxableIncomeFen = resident ? residentLaborTaxableFen(grossFen) : nonResidentLaborTaxableFen(grossFen);
  const taxWithheldFen = resident ? residentLaborTaxFen(grossFen) : nonResidentLaborTaxFen(grossFen);
  return {
    line: { ...base, agencyId: null, agencyName: null, incomeCategory: 'labor_remuneration', agencyFeeFen: 0, taxableIncomeFen, taxWithheldFen, netFen: grossFen - taxWithheldFen },
    ytd: null,
  };
};
