/** Delivery records of merchant webhooks: creation by the fan-out, scheduling, the public view. */
import { bucketOf } from '../shared/buckets.js';
import { outboxEvent } from '../shared/outbox.js';
import { attemptLeaseMs, dueBuckets } from './policy.js';
import type { WebhookDeliveryRecord } from './webhook-items.js';
import { WebhookDeliveryScheduled } from '../../events/schemas/notifications.js';

/** The outbox event that puts a delivery on the delivery queue (rule WebhookDeliveryQueue). */
export const scheduledEvent = (delivery: Pick<WebhookDeliveryRecord, 'deliveryId' | 'endpointId' | 'merchantId' | 'attempts'>, correlationId: string, now: Date) =>
  outboxEvent(
    WebhookDeliveryScheduled,
    { deliveryId: delivery.deliveryId, endpointId: delivery.endpointId, merchantId: delivery.merchantId, attempt: delivery.attempts, scheduledAt: now.toISOString() },
    { correlationId, now },
  );

/**
 * A new pending delivery. Its first attempt comes from the queue at once; `nextAttemptAt` is
 * the lease after which a sweep schedules it again if the queue's message was lost.
 */
export const newDelivery = (input: { deliveryId: string; endpointId: string; merchantId: string; eventId: string; type: string; payload: string }, now: Date): WebhookDeliveryRecord => ({
  ...input,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString(),
  windowStartedAt: now.toISOString(),
  retryFrom: 0,
  bucket: bucketOf(input.deliveryId, dueBuckets),
  createdAt: now.toISOString(),
  version: 1,
});

/** The delivery log entry a merchant sees. */
export const deliveryView = (d: WebhookDeliveryRecord) => ({
  id: d.deliveryId,
  endpointId: d.endpointId,
  eventId: d.eventId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  lastResponseCode: d.lastResponseCode ?? null,
  lastAttemptAt: d.lastAttemptAt ?? null,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
  createdAt: d.createdAt,
});
