import { outboxEntity } from '../../functions/shared/db/entities.js';
import { serviceOf } from './electrodb-service.js';
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
  // The orders context's items the payouts tests seed: merchants (name, take rate) and orders (FX snapshot).
  merchant: merchantEntity,
  order: orderEntity,
};

/** The service on the configured table. */
export const db = serviceOf(entities);

