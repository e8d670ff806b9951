/**
 * Reading merchant webhook endpoints with the document client, each item validated with its
 * record schema (webhook-items.ts). A merchant's partition holds only its endpoints, so a
 * Query's `Limit` counts endpoints, as it did through the entity.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored } from '../shared/db/stored-item.js';
import {
  endpointCountKey,
  endpointCountRecord,
  endpointCountEntity,
  endpointEntity,
  endpointKey,
  endpointSortPrefix,
  endpointsPartition,
  webhookEndpointRecord,
  type WebhookEndpointRecord,
} from './webhook-items.js';

type RawItem = Record<string, unknown>;

const where = (item: RawItem): string => `${String(item.pk)} ${String(item.sk)}`;
const endpointOf = (item: RawItem): WebhookEndpointRecord => parseStored(webhookEndpointRecord, item, `webhook endpoint item ${where(item)}`);

/** One endpoint of the merchant (another merchant's is simply absent), read consistently. */
export const readEndpoint = async (merchantId: string, endpointId: string): Promise<WebhookEndpointRecord | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { ...endpointKey(merchantId, endpointId) }, ConsistentRead: true }));
  return Item?.__edb_e__ === endpointEntity ? endpointOf(Item) : undefined;
};

/** The merchant's endpoint counter, read consistently (absent before its first use). */
export const readEndpointCount = async (merchantId: string): Promise<number | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { ...endpointCountKey(merchantId) }, ConsistentRead: true }));
  return Item?.__edb_e__ === endpointCountEntity ? parseStored(endpointCountRecord, Item, `webhook endpoint count item ${where(Item)}`).endpoints : undefined;
};

/** One page of the merchant's endpoints by id (one Query), and where the next starts. */
export const endpointPage = async (
  merchantId: string,
  options: { limit?: number; start?: RawItem | undefined; consistent?: boolean },
): Promise<{ endpoints: WebhookEndpointRecord[]; last: RawItem | undefined }> => {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :endpoints)',
      ExpressionAttributeValues: { ':pk': endpointsPartition(merchantId), ':endpoints': endpointSortPrefix },
      ...(options.limit === undefined ? {} : { Limit: options.limit }),
      ...(options.consistent ? { ConsistentRead: true } : {}),
      ...(options.start ? { ExclusiveStartKey: options.start } : {}),
    }),
  );
  return { endpoints: (page.Items ?? []).filter((item) => item.__edb_e__ === endpointEntity).map(endpointOf), last: page.LastEvaluatedKey };
};

/** Every endpoint of the merchant, read consistently (all pages). */
export const allEndpoints = async (merchantId: string): Promise<WebhookEndpointRecord[]> => {
  const endpoints: WebhookEndpointRecord[] = [];
  let start: RawItem | undefined;
  do {
    const page = await endpointPage(merchantId, { start, consistent: true });
    endpoints.push(...page.endpoints);
    start = page.last;
  } while (start);
  return endpoints;
};
