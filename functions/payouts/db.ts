import { outboxEntity } from '../shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from '../shared/db/service.js';
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
} from './entities.js';
import {
  merchantPeriodEntity,
  merchantRunEntity,
  merchantSettlementEntity,
  merchantSettlementStateEntity,
  merchantStatementEntity,
  settlementEntryEntity,
} from './settlement-entities.js';
import { merchantEntity, orderEntity } from '../orders/entities.js';

/** The payouts context's model: commissions, runs, ledger, merchant settlement. */
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
