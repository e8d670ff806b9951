/**
 * The merchant side of the double-entry ledger (pure), decision record 0027. Debits +,
 * credits -, fen (CNY); every posting sums to zero. Accounts:
 *
 * | account | kind | moves when |
 * |---|---|---|
 * | `cash:stripe` | asset | the buyer pays (+) or is refunded (-), in CNY at the order's rate |
 * | `merchant_payable:<merchant>` | liability | credited the merchandise at payment; debited fee and funded commission at delivery, refunds, and payouts |
 * | `shipping_payable` | liability | shipping collected for the logistics partners |
 * | `duties_payable` | liability | duties collected for customs (DDP) |
 * | `platform_revenue` | revenue | the platform fee at delivery (reversed by refunds) |
 * | `commission_expense` | expense | debited by the creator's commission (commissions module), credited back by the merchant who funds it |
 * | `merchant_settlement:<merchant>` | clearing | what a payout run transfers to the merchant |
 *
 * The creator side (`creator_payable:<creator>`, `agency_payable:<agency>`, `tax_payable`,
 * `creator_settlement:<creator>`) is posted by the commissions module and the payout run
 * (ledger.ts); together the two sides reconcile to zero.
 */
import type { SettlementAmounts } from './settlement.js';

export interface MerchantPostingLine {
  readonly account: string;
  readonly amountFen: number;
}

export type MerchantPostingKind = 'merchant_collection' | 'merchant_refund' | 'merchant_accrual' | 'merchant_reversal' | 'merchant_payout';

export interface MerchantPosting {
  readonly kind: MerchantPostingKind;
  readonly reference: string;
  readonly lines: readonly MerchantPostingLine[];
}

/** What the buyer paid, split by who it is owed to, in CNY fen. */
export interface Collected {
  readonly grossFen: number;
  readonly shippingFen: number;
  readonly dutiesFen: number;
}

export const merchantPayable = (merchantId: string): string => `merchant_payable:${merchantId}`;

export class UnbalancedMerchantPostingError extends Error {
  constructor(posting: MerchantPosting) {
    super(`posting ${posting.kind} ${posting.reference} does not balance`);
    this.name = 'UnbalancedMerchantPostingError';
  }
}

/** Drops zero lines; throws unless the rest sums to zero. */
const posting = (kind: MerchantPostingKind, reference: string, lines: readonly MerchantPostingLine[]): MerchantPosting => {
  const p = { kind, reference, lines: lines.filter((l) => l.amountFen !== 0) };
  if (p.lines.reduce((sum, l) => sum + l.amountFen, 0) !== 0) throw new UnbalancedMerchantPostingError(p);
  return p;
};

const cashLines = (merchantId: string, c: Collected, sign: 1 | -1): MerchantPostingLine[] => [
  { account: 'cash:stripe', amountFen: sign * (c.grossFen + c.shippingFen + c.dutiesFen) },
  { account: merchantPayable(merchantId), amountFen: -sign * c.grossFen },
  { account: 'shipping_payable', amountFen: -sign * c.shippingFen },
  { account: 'duties_payable', amountFen: -sign * c.dutiesFen },
];

/** The buyer's payment: cash in, owed to the merchant, the logistics partner and customs. */
export const collectionPosting = (orderId: string, merchantId: string, collected: Collected): MerchantPosting =>
  posting('merchant_collection', orderId, cashLines(merchantId, collected, 1));

/** Money back to the buyer (the part of each component a refund reverses). */
export const refundPosting = (orderId: string, merchantId: string, reversed: Collected): MerchantPosting =>
  posting('merchant_refund', orderId, cashLines(merchantId, reversed, -1));

/** At delivery the merchant's payable pays the platform fee and funds the creator's commission. */
export const merchantAccrualPosting = (orderId: string, merchantId: string, a: Pick<SettlementAmounts, 'feeFen' | 'commissionFen'>): MerchantPosting =>
  posting('merchant_accrual', orderId, [
    { account: merchantPayable(merchantId), amountFen: a.feeFen + a.commissionFen },
    { account: 'platform_revenue', amountFen: -a.feeFen },
    { account: 'commission_expense', amountFen: -a.commissionFen },
  ]);

/** A refund gives back part of the fee and of the funded commission (amounts positive). */
export const merchantReversalPosting = (orderId: string, merchantId: string, a: Pick<SettlementAmounts, 'feeFen' | 'commissionFen'>): MerchantPosting =>
  posting('merchant_reversal', orderId, [
    { account: 'platform_revenue', amountFen: a.feeFen },
    { account: 'commission_expense', amountFen: a.commissionFen },
    { account: merchantPayable(merchantId), amountFen: -(a.feeFen + a.commissionFen) },
  ]);

/** A payout run pays the merchant its positive period total. */
export const merchantPayoutPosting = (reference: string, merchantId: string, paidFen: number): MerchantPosting =>
  posting('merchant_payout', reference, [
    { account: merchantPayable(merchantId), amountFen: paidFen },
    { account: `merchant_settlement:${merchantId}`, amountFen: -paidFen },
  ]);
