import { outboxEntity } from '../shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from '../shared/db/service.js';
import { idempotencyEntity, merchantEntity, orderEntity, orderRefundEntity, orderShipmentEntity, productEntity, stripeEventEntity, usccClaimEntity } from './entities.js';

/** The orders context's model (payments/, its Stripe adapter, changes orders through order-store.ts). */
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
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = TransactionEntitiesOf<typeof db>;
