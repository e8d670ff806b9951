import { Service } from 'electrodb';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';
import {
  idempotencyEntity,
  merchantEntity,
  orderEntity,
  orderRefundEntity,
  productEntity,
  stripeEventEntity,
  usccClaimEntity,
  orderShipmentEntity,
} from '../../orders/entities.js';
import {
  partnerEntity,
  shipmentEntity,
  trackingClaimEntity,
  unknownTrackingEntity,
  webhookDeliveryEntity,
  shipmentEventEntity,
} from '../../logistics/entities.js';
import {
  agencyEntity,
  commissionEntity,
  commissionEntryEntity,
  creatorEntity,
  creatorVersionEntity,
  ledgerPostingEntity,
  payoutLineEntity,
  payoutRunEntity,
  payoutStateEntity,
  wagesYtdEntity,
  payoutHeadEntity,
} from '../../payouts/entities.js';
import { apiKeyEntity, auditEventEntity, outboxEntity } from './entities.js';
import { unmatchedStripeEventEntity } from '../../payments/entities.js';
import {
  merchantPeriodEntity,
  merchantRunEntity,
  merchantSettlementEntity,
  merchantSettlementStateEntity,
  merchantStatementEntity,
  settlementEntryEntity,
} from '../../payouts/settlement-entities.js';
import { merchantWebhookDeliveryEntity, webhookEndpointEntity } from '../../notifications/entities.js';

/** Every entity on the table, so one transaction can span them. */
const entities = {
  apiKey: apiKeyEntity,
  outbox: outboxEntity,
  auditEvent: auditEventEntity,
  merchant: merchantEntity,
  usccClaim: usccClaimEntity,
  product: productEntity,
  order: orderEntity,
  idempotency: idempotencyEntity,
  stripeEvent: stripeEventEntity,
  partner: partnerEntity,
  shipment: shipmentEntity,
  trackingClaim: trackingClaimEntity,
  webhookDelivery: webhookDeliveryEntity,
  unknownTracking: unknownTrackingEntity,
  agency: agencyEntity,
  creator: creatorEntity,
  creatorVersion: creatorVersionEntity,
  commission: commissionEntity,
  commissionEntry: commissionEntryEntity,
  payoutRun: payoutRunEntity,
  payoutLine: payoutLineEntity,
  payoutState: payoutStateEntity,
  wagesYtd: wagesYtdEntity,
  ledgerPosting: ledgerPostingEntity,
  shipmentEvent: shipmentEventEntity,
  orderShipment: orderShipmentEntity,
  unmatchedStripeEvent: unmatchedStripeEventEntity,
  orderRefund: orderRefundEntity,
  payoutHead: payoutHeadEntity,
  merchantSettlement: merchantSettlementEntity,
  settlementEntry: settlementEntryEntity,
  merchantPeriod: merchantPeriodEntity,
  merchantStatement: merchantStatementEntity,
  merchantSettlementState: merchantSettlementStateEntity,
  merchantRun: merchantRunEntity,
  webhookEndpoint: webhookEndpointEntity,
  merchantWebhookDelivery: merchantWebhookDeliveryEntity,
};

const build = (table: string) => new Service(entities, { client: documentClient, table });
type Db = ReturnType<typeof build>;

let current: { table: string; db: Db } | undefined;

/** The ElectroDB service on the configured table (built once per table name). */
export const db = (): Db => {
  const table = config.tableName();
  if (current?.table !== table) current = { table, db: build(table) };
  return current.db;
};

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = Parameters<Parameters<Db['transaction']['write']>[0]>[0];
