/**
 * A payout run and its lines, as the finance API and reports show them (API.md
 * "Finance"). Amounts are integer fen (CNY) inside; decimal yuan strings only at the
 * edges (CSV, tax preview).
 */
import * as z from 'zod/mini';
import { parseStored } from '../shared/db/stored-item.js';
import type { Money } from '../shared/money.js';

export type ContractType = 'agency' | 'personal';
export type TaxResidency = 'resident' | 'non_resident';
export type IncomeCategory = 'wages' | 'labor_remuneration';

export interface PayoutLine {
  readonly creatorId: string;
  readonly displayName: string;
  readonly agencyId: string | null;
  readonly agencyName: string | null;
  readonly contractType: ContractType;
  readonly taxResidency: TaxResidency;
  readonly incomeCategory: IncomeCategory;
  /** All in fen. */
  readonly grossFen: number;
  readonly agencyFeeFen: number;
  readonly taxableIncomeFen: number;
  readonly taxWithheldFen: number;
  readonly netFen: number;
}

const fen = z.number().check(z.int());
const storedLine: z.ZodMiniType<PayoutLine> = z.lazy(() =>
  z.object({
    creatorId: z.string(),
    displayName: z.string(),
    agencyId: z.nullable(z.string()),
    agencyName: z.nullable(z.string()),
    contractType: z.enum(['agency', 'personal']),
    taxResidency: z.enum(['resident', 'non_resident']),
    incomeCategory: z.enum(['wages', 'labor_remuneration']),
    grossFen: fen,
    agencyFeeFen: fen,
    taxableIncomeFen: fen,
    taxWithheldFen: fen,
    netFen: fen,
  }),
);

/** A payout line as stored (a map on its line item), validated where it is read. */
export const storedLineOf = (item: { readonly period: string; readonly creatorId: string; readonly line: unknown }): PayoutLine =>
  parseStored(storedLine, item.line, `payout line ${item.period}/${item.creatorId}`);

export interface PayoutRunTotals {
  readonly gross: Money;
  readonly agencyFees: Money;
  readonly taxWithheld: Money;
  readonly net: Money;
}

export interface PayoutRunView {
  readonly id: string;
  readonly period: string;
  readonly status: 'running' | 'completed';
  readonly totals: PayoutRunTotals;
  readonly lineCount: number;
  readonly createdAt: string;
  readonly completedAt?: string;
}
