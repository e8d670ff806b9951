/**
 * Reading webhook deliveries with the document client, each item validated with its record
 * schema (webhook-items.ts). The log (gsi1) and due (gsi2) partitions hold only deliveries, so
 * a Query's `Limit` counts deliveries, as it did through the entity.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored } from '../shared/db/stored-item.js';
import { deliveryEntity, deliveryKey, duePartition, endpointDeliveriesPartition, webhookDeliveryRecord, type WebhookDeliveryRecord } from './webhook-items.js';

type RawItem = Record<string, unknown>;

const deliveriesOf = (items: readonly RawItem[] | undefined): WebhookDeliveryRecord[] =>
  (items ?? []).filter((item) => item.__edb_e__ === deliveryEntity).map((item) => parseStored(webhookDeliveryRecord, item, `webhook delivery item ${String(item.pk)}`));

/** One delivery, read consistently. */
export const readDelivery = async (deliveryId: string): Promise<WebhookDeliveryRecord | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { ...deliveryKey(deliveryId) }, ConsistentRead: true }));
  return Item ? deliveriesOf([Item])[0] : undefined;
};

/** One page of an endpoint's delivery log, newest first (one Query on gsi1), and where the next starts. */
export const deliveryPage = async (endpointId: string, limit: number, start: RawItem | undefined): Promise<{ deliveries: WebhookDeliveryRecord[]; last: RawItem | undefined }> => {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': endpointDeliveriesPartition(endpointId) },
      ScanIndexForward: false,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  return { deliveries: deliveriesOf(page.Items), last: page.LastEvaluatedKey };
};

/**
 * Up to `limit` deliveries of a bucket due by `now` (one Query on gsi2). The sort key is
 * `nextAttemptAt#deliveryId` compared with `now` alone, as the entity's `lte` did: a delivery
 * due at exactly `now` waits for the next sweep.
 */
export const dueDeliveries = async (bucket: number, now: Date, limit: number): Promise<WebhookDeliveryRecord[]> => {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
      ExpressionAttributeValues: { ':pk': duePartition(bucket), ':now': now.toISOString() },
      Limit: limit,
    }),
  );
  return deliveriesOf(page.Items);
};
