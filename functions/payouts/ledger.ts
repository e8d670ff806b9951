/**
 * Double-entry postings (pure). Each posting's lines sum to zero: debits positive,
 * credits negative, in fen. Accounts: commission_expense, creator_payable:<creator>,
 * agency_payable:<agency>, tax_payable, creator_settlement:<creator> (net owed to a
 * personal-contract creator).
 */
import type { MerchantPostingKind } from './settlement-ledger.js';

export interface PostingLine {
  readonly account: string;
  readonly amountFen: number;
}

export interface Posting {
  readonly kind: 'commission_accrual' | 'commission_reversal' | 'payout' | MerchantPostingKind;
  readonly reference: string;
  readonly lines: readonly PostingLine[];
}

export class UnbalancedPostingError extends Error {
  constructor(posting: Posting) {
    super(`posting ${posting.kind} ${posting.reference} does not balance`);
    this.name = 'UnbalancedPostingError';
  }
}

const balanced = (posting: Posting): Posting => {
  if (posting.lines.reduce((sum, l) => sum + l.amountFen, 0) !== 0) throw new UnbalancedPostingError(posting);
  return posting;
};

export const creatorPayable = (creatorId: string): string => `creator_payable:${creatorId}`;

export const accrualPosting = (orderId: string, creatorId: string, amountFen: number): Posting =>
  balanced({
    kind: 'commission_accrual',
    reference: orderId,
    lines: [
      { account: 'commission_expense', amountFen },
      { account: creatorPayable(creatorId), amountFen: -amountFen },
    ],
  });

export const reversalPosting = (orderId: string, creatorId: string, amountFen: number): Posting =>
  balanced({
    kind: 'commission_reversal',
    reference: orderId,
    lines: [
      { account: creatorPayable(creatorId), amountFen },
      { account: 'commission_expense', amountFen: -amountFen },
    ],
  });

/**
 * A payout line: the creator's payable is settled with the agency (which receives gross and
 * remits the tax itself) or, for a personal contract, split into withheld tax and net pay.
 */
export const payoutPosting = (
  reference: string,
  line: { creatorId: string; agencyId: string | null; grossFen: number; taxWithheldFen: number; netFen: number },
): Posting =>
  balanced({
    kind: 'payout',
    reference,
    lines: line.agencyId
      ? [
          { account: creatorPayable(line.creatorId), amountFen: line.grossFen },
          { account: `agency_payable:${line.agencyId}`, amountFen: -line.grossFen },
        ]
      : [
          { account: creatorPayable(line.creatorId), amountFen: line.grossFen },
          { account: 'tax_payable', amountFen: -line.taxWithheldFen },
          { account: `creator_settlement:${line.creatorId}`, amountFen: -line.netFen },
        ],
  });
