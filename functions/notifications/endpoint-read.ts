/**
 * Reading merchant webhook endpoints with the document client, each item validated with its
 * record schema (webhook-items.ts). A merchant's partition holds only its endpoints, so a
 * Query's `Limit` counts endpoints, as it did through the entity.
 */
import { getRecord, queryAll, queryPage } from '../shared/db/read.js';
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

/** One endpoint of the merchant (another merchant's is simply absent), read consistently. */
export const readEndpoint = (merchantId: string, endpointId: string): Promise<WebhookEndpointRecord | undefined> =>
  getRecord(endpointEntity, webhookEndpointRecord, endpointKey(merchantId, endpointId), true);

/** The merchant's endpoint counter, read consistently (absent before its first use). */
export const readEndpointCount = async (merchantId: string): Promise<number | undefined> =>
  (await getRecord(endpointCountEntity, endpointCountRecord, endpointCountKey(merchantId), true))?.endpoints;

const endpoints = (merchantId: string) => ({ partition: endpointsPartition(merchantId), prefix: endpointSortPrefix });

/** One page of the merchant's endpoints by id (one Query), and where the next starts. */
export const endpointPage = async (
  merchantId: string,
  options: { limit?: number; start?: RawItem | undefined; consistent?: boolean },
): Promise<{ endpoints: WebhookEndpointRecord[]; last: RawItem | undefined }> => {
  const page = await queryPage(endpointEntity, webhookEndpointRecord, endpoints(merchantId), options);
  return { endpoints: page.records, last: page.next };
};

/** Every endpoint of the merchant, read consistently (all pages). */
export const allEndpoints = (merchantId: string): Promise<WebhookEndpointRecord[]> => queryAll(endpointEntity, webhookEndpointRecord, endpoints(merchantId), { consistent: true });
