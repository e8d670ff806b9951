import { outboxEntity } from '../shared/db/entities.js';
import { serviceOf } from '../shared/db/service.js';
import { idempotencyEntity, merchantEntity, orderEntity, orderRefundEntity, orderShipmentEntity, productEntity, stripeEventEntity, usccClaimEntity } from './entities.js';
import { unmatchedStripeEventEntity } from '../payments/entities.js';

/** The orders context's model (payments/ is its Stripe adapter and shares it). */
const entities = {
  outbox: outboxEntity,
  merchant: merchantEntity,
  usccClaim: usccClaimEntity,
  product: productEntity,
  order: orderEntity,
  orderRefund: orderRefundEntity,
  orderShipment: orderShipmentEntity,
  idempotency: idempotencyEntity,
  stripeEvent: stripeEventEntity,
  // The Stripe webhook (payments/) keeps an unmatched event in one transaction with its dedupe marker.
  unmatchedStripeEvent: unmatchedStripeEventEntity,
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = Parameters<Parameters<ReturnType<typeof db>['transaction']['write']>[0]>[0];
