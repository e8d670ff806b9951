/**
 * Merchant settlement arithmetic (pure), per DOMAIN.md "Merchant settlement". Integer fen;
 * every result is rounded half-up on its own, never an intermediate cumulative figure.
 *
 * An order's settlement moves by *cumulative targets*: after `refunded` of `paid` went back,
 * the reversed gross, fee and commission are round_half_up(x x refunded / paid) in total, and
 * an entry carries only the difference to what was reversed before. Redelivered, reordered or
 * repeated refund events therefore never drift: the last state wins and the entries sum to it.
 */
import { divideHalfUp } from '../shared/money.js';
import { commissionFen, reversalTargetFen } from './commissions.js';

/** round_half_up(gross x takeRateBps / 10000): the platform's fee on an order's merchandise. */
export const platformFeeFen = (grossFen: number, takeRateBps: number): number => Number(divideHalfUp(BigInt(grossFen) * BigInt(takeRateBps), 10_000n));

/** What an order accrues for its merchant at delivery. */
export interface SettlementAmounts {
  readonly grossFen: number;
  readonly feeFen: number;
  readonly commissionFen: number;
}

/** gross - platformFee - creatorCommission. */
export const netOf = (a: SettlementAmounts): number => a.grossFen - a.feeFen - a.commissionFen;

/**
 * The accrual of a delivered order: gross = settlement.merchandise (CNY), the fee at the rate
 * the order snapshot, and the creator's commission (0 when none or ineligible), computed by
 * the commissions module's own function so the two can never disagree.
 */
export const accrualOf = (grossFen: number, takeRateBps: number, commissionRateBps: number | null): SettlementAmounts => ({
  grossFen,
  feeFen: platformFeeFen(grossFen, takeRateBps),
  commissionFen: commissionRateBps === null ? 0 : commissionFen(grossFen, commissionRateBps),
});

/** What has been reversed in total once `refunded` of `paid` went back (each amount on its own). */
export const reversedTarget = (accrued: SettlementAmounts, refunded: number, paid: number): SettlementAmounts => ({
  grossFen: reversalTargetFen(accrued.grossFen, refunded, paid),
  feeFen: reversalTargetFen(accrued.feeFen, refunded, paid),
  commissionFen: reversalTargetFen(accrued.commissionFen, refunded, paid),
});

export const minus = (a: SettlementAmounts, b: SettlementAmounts): SettlementAmounts => ({
  grossFen: a.grossFen - b.grossFen,
  feeFen: a.feeFen - b.feeFen,
  commissionFen: a.commissionFen - b.commissionFen,
});

export const isZero = (a: SettlementAmounts): boolean => a.grossFen === 0 && a.feeFen === 0 && a.commissionFen === 0;

export const zeroAmounts: SettlementAmounts = { grossFen: 0, feeFen: 0, commissionFen: 0 };

/**
 * A settlement entry as the statement shows it: an accrual fills gross, platform fee and
 * creator commission; a reversal shows only under refunds (the net it takes back, negative).
 */
export interface StatementFigures {
  readonly grossFen: number;
  readonly feeFen: number;
  readonly commissionFen: number;
  readonly refundsFen: number;
  readonly netFen: number;
}

export const emptyFigures: StatementFigures = { grossFen: 0, feeFen: 0, commissionFen: 0, refundsFen: 0, netFen: 0 };

/** An entry's contribution: `amounts` are signed (a reversal's are negative). */
export const figuresOf = (kind: 'accrual' | 'reversal', amounts: SettlementAmounts): StatementFigures =>
  kind === 'accrual'
    ? { ...amounts, refundsFen: 0, netFen: netOf(amounts) }
    : { grossFen: 0, feeFen: 0, commissionFen: 0, refundsFen: netOf(amounts), netFen: netOf(amounts) };

export const addFigures = (a: StatementFigures, b: StatementFigures): StatementFigures => ({
  grossFen: a.grossFen + b.grossFen,
  feeFen: a.feeFen + b.feeFen,
  commissionFen: a.commissionFen + b.commissionFen,
  refundsFen: a.refundsFen + b.refundsFen,
  netFen: a.netFen + b.netFen,
});

/**
 * A merchant's period: its entries' net plus what an earlier period carried forward. A
 * positive total is paid; a total at or below zero pays nothing and carries forward.
 */
export const settleTotals = (periodNetFen: number, carriedInFen: number): { totalFen: number; paidFen: number; carryForwardFen: number } => {
  const totalFen = periodNetFen + carriedInFen;
  return totalFen > 0 ? { totalFen, paidFen: totalFen, carryForwardFen: 0 } : { totalFen, paidFen: 0, carryForwardFen: totalFen };
};
