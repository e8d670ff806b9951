import { eventHandler } from '../shared/event-handler.js';
import { createItem, failedCondition, outboxItem, transactWrite } from '../shared/db/write.js';
import { logger } from '../shared/observability.js';
import { newDelivery, scheduledEvent } from './deliveries.js';
import { merchantOf, notificationsOf, notifyingContracts, webhookPayload, type NotifyingEvent } from './mapping.js';
import { deliveryIdOf, maxEndpointsPerMerchant } from './policy.js';
import { endpointPage } from './endpoint-read.js';
import { merchantOfShipment } from './shipment-merchant.js';
import { deliveryItem } from './webhook-items.js';

/** ShipmentStalled names no merchant: its shipment does. */
const merchantOfEvent = async (data: unknown): Promise<string | undefined> => {
  const named = merchantOf(data);
  if (named) return named;
  const shipmentId = (data as { shipmentId?: unknown }).shipmentId;
  if (typeof shipmentId !== 'string') return undefined;
  return merchantOfShipment(shipmentId);
};

/**
 * Domain events -> one delivery record per matching enabled endpoint, each written with its
 * WebhookDeliveryScheduled outbox event in one transaction. The delivery id (the receiver's
 * `webhook-id`) is derived from event, type and endpoint, and the create is conditional, so
 * a redelivered event creates and schedules nothing twice.
 */
export const handler = eventHandler(notifyingContracts, async ({ detailType, detail }) => {
  const merchantId = await merchantOfEvent(detail.data);
  if (!merchantId) throw new Error(`${detailType} ${detail.metadata.eventId}: no merchant found`);
  const notifications = notificationsOf(detailType as NotifyingEvent, detail.data as never);
  const { endpoints } = await endpointPage(merchantId, { limit: maxEndpointsPerMerchant });
  const now = new Date();
  let created = 0;
  for (const endpoint of endpoints) {
    if (endpoint.status !== 'enabled') continue;
    for (const notification of notifications) {
      if (!endpoint.events.includes(notification.type)) continue;
      const delivery = newDelivery(
        {
          deliveryId: deliveryIdOf(detail.metadata.eventId, notification.type, endpoint.endpointId),
          endpointId: endpoint.endpointId,
          merchantId,
          eventId: detail.metadata.eventId,
          type: notification.type,
          payload: webhookPayload(detail.metadata.eventId, detail.metadata.occurredAt, notification),
        },
        now,
      );
      const outcome = await transactWrite([createItem(deliveryItem(delivery)), outboxItem(scheduledEvent(delivery, detail.metadata.correlationId, now))]);
      if (!outcome.canceled) created += 1;
      else if (!failedCondition(outcome, 0)) {
        throw new Error(`delivery ${delivery.deliveryId} was not written: ${outcome.codes.join(', ')}`);
      }
    }
  }
  logger.info('webhook fan-out', { merchantId, endpoints: endpoints.length, created });
});
