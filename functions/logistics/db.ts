import { outboxEntity } from '../shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from '../shared/db/service.js';
import { partnerEntity, shipmentEntity, shipmentEventEntity, trackingClaimEntity, unknownTrackingEntity, webhookDeliveryEntity } from './entities.js';
import { orderEntity, orderShipmentEntity } from '../orders/entities.js';

/** The logistics context's model. */
const entities = {
  outbox: outboxEntity,
  partner: partnerEntity,
  shipment: shipmentEntity,
  shipmentEvent: shipmentEventEntity,
  trackingClaim: trackingClaimEntity,
  webhookDelivery: webhookDeliveryEntity,
  unknownTracking: unknownTrackingEntity,
  // Booking a parcel checks the order's state and lists the parcel under the order, in one transaction.
  order: orderEntity,
  orderShipment: orderShipmentEntity,
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = TransactionEntitiesOf<typeof db>;
