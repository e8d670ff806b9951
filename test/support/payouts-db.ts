import { outboxEntity } from '../../functions/shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from './electrodb-service.js';
import {
  agencyEntity,
  commissionEntity,
  commissionEntryEntity,
  creatorEntity,
  creatorVersionEntity,
  ledgerPostingEntity,
  payoutHeadEntity,
  payoutLineEntity,
  payoutRunEntity,
  payoutStateEntity,
  wagesYtdEntity,
} from '../../functions/payouts/entities.js';
import {
  merchantPeriodEntity,
  merchantRunEntity,
  merchantSettlementEntity,
  merchantSettlementStateEntity,
  merchantStatementEntity,
  settlementEntryEntity,
} from '../../functions/payouts/settlement-entities.js';
import { merchantEntity, orderEntity } from '../../functions/orders/entities.js';

/**
 * The payouts context's entities as one ElectroDB service: tests and the bench seed and inspect
 * items through it (the handlers write with the document client, decision 0046).
 */
const entities = {
  outbox: outboxEntity,
  agency: agencyEntity,
  creator: creatorEntity,
  creatorVersion: creatorVersionEntity,
  commission: commissionEntity,
  commissionEntry: commissionEntryEntity,
  payoutHead: payoutHeadEntity,
  payoutRun: payoutRunEntity,
  payoutLine: payoutLineEntity,
  payoutState: payoutStateEntity,
  wagesYtd: wagesYtdEntity,
  ledgerPosting: ledgerPostingEntity,
  merchantSettlement: merchantSettlementEntity,
  settlementEntry: settlementEntryEntity,
  merchantPeriod: merchantPeriodEntity,
  merchantStatement: merchantStatementEntity,
  merchantSettlementState: merchantSettlementStateEntity,
  merchantRun: merchantRunEntity,
  // Read only, through the orders context's model: a merchant's name and take rate, an order's FX snapshot.
  merchant: merchantEntity,
  order: orderEntity,
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = TransactionEntitiesOf<typeof db>;
