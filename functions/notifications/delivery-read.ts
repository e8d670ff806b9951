/**
 * Reading webhook deliveries with the document client, each item validated with its record
 * schema (webhook-items.ts). The log (gsi1) and due (gsi2) partitions hold only deliveries, so
 * a Query's `Limit` counts deliveries, as it did through the entity.
 */
import { getRecord, queryPage } from '../shared/db/read.js';
import { deliveryEntity, deliveryKey, duePartition, endpointDeliveriesPartition, webhookDeliveryRecord, type WebhookDeliveryRecord } from './webhook-items.js';

type RawItem = Record<string, unknown>;

/** One delivery, read consistently. */
export const readDelivery = (deliveryId: string): Promise<WebhookDeliveryRecord | undefined> => getRecord(deliveryEntity, webhookDeliveryRecord, deliveryKey(deliveryId), true);

/** One page of an endpoint's delivery log, newest first (one Query on gsi1), and where the next starts. */
export const deliveryPage = async (endpointId: string, limit: number, start: RawItem | undefined): Promise<{ deliveries: WebhookDeliveryRecord[]; last: RawItem | undefined }> => {
  const page = await queryPage(deliveryEntity, webhookDeliveryRecord, { index: 'gsi1', partition: endpointDeliveriesPartition(endpointId) }, { limit, descending: true, start });
  return { deliveries: page.records, last: page.next };
};

/**
 * Up to `limit` deliveries of a bucket due by `now` (one Query on gsi2). The sort key is
 * `nextAttemptAt#deliveryId` compared with `now` alone, as the entity's `lte` did: a delivery
 * due at exactly `now` waits for the next sweep.
 */
export const dueDeliveries = async (bucket: number, now: Date, limit: number): Promise<WebhookDeliveryRecord[]> =>
  (await queryPage(deliveryEntity, webhookDeliveryRecord, { index: 'gsi2', partition: duePartition(bucket), atMost: now.toISOString() }, { limit })).records;
