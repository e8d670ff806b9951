import { outboxEntity } from '../shared/db/entities.js';
import { serviceOf, type TransactionEntitiesOf } from '../shared/db/service.js';
import { merchantWebhookDeliveryEntity, webhookEndpointCountEntity, webhookEndpointEntity } from './entities.js';
import { shipmentEntity } from '../logistics/entities.js';

/** The merchant-notifications context's model. */
const entities = {
  outbox: outboxEntity,
  webhookEndpoint: webhookEndpointEntity,
  webhookEndpointCount: webhookEndpointCountEntity,
  merchantWebhookDelivery: merchantWebhookDeliveryEntity,
  // A ShipmentStalled event names no merchant: fan-out reads it from the shipment.
  shipment: shipmentEntity,
};

/** This context's ElectroDB service on the configured table. */
export const db = serviceOf(entities);

/** The entities a write transaction's callback receives (for helpers that build transaction items). */
export type TransactionEntities = TransactionEntitiesOf<typeof db>;
