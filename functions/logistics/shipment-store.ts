/**
 * Reading parcels for logistics' own decisions with the document client: heads (booking,
 * intake, the stall detector) and tracking-number claims, as logistics-items.ts lays them out,
 * validated with zod where they are read. Public tracking reads through shipment-read.ts,
 * which stays free of these schemas (a smaller, faster-starting bundle).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { batchGetItems } from '../shared/db/batch-get.js';
import { parseStored } from '../shared/db/stored-item.js';
import {
  activeShipmentsPartition,
  shipmentKey,
  shipmentRecord,
  trackingClaimKey,
  trackingClaimRecord,
  type ShipmentRecord,
  type TrackingClaimRecord,
} from './logistics-items.js';

const described = (item: Record<string, unknown>): string => `${String(item.__edb_e__)} item ${String(item.pk)} ${String(item.sk)}`;

/** An item of `entity` at this key (GetItem), or undefined; strongly consistent when `consistent`. */
const getOwn = async (key: Record<string, string>, entity: string, consistent: boolean): Promise<Record<string, unknown> | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: key, ...(consistent ? { ConsistentRead: true } : {}) }));
  return Item?.__edb_e__ === entity ? Item : undefined;
};

/** A parcel's head (one GetItem). */
export const getShipment = async (shipmentId: string, options: { consistent: boolean }): Promise<ShipmentRecord | undefined> => {
  const item = await getOwn({ ...shipmentKey(shipmentId) }, 'shipment', options.consistent);
  return item ? parseStored(shipmentRecord, item, described(item)) : undefined;
};

/** Parcels' heads by id, in as few BatchGetItem calls as the 100-key limit allows (eventually consistent). */
export const getShipments = async (shipmentIds: readonly string[]): Promise<Map<string, ShipmentRecord>> => {
  const items = await batchGetItems(
    shipmentIds.map((shipmentId) => ({ ...shipmentKey(shipmentId) })),
    { consistent: true },
  );
  const heads = items.filter((item) => item.__edb_e__ === 'shipment').map((item) => parseStored(shipmentRecord, item, described(item)));
  return new Map(heads.map((head) => [head.shipmentId, head]));
};

/** Which shipment a partner's tracking number names now (one GetItem). */
export const getTrackingClaim = async (partnerCode: string, trackingNumber: string, options: { consistent: boolean }): Promise<TrackingClaimRecord | undefined> => {
  const item = await getOwn({ ...trackingClaimKey(partnerCode, trackingNumber) }, 'trackingClaim', options.consistent);
  return item ? parseStored(trackingClaimRecord, item, described(item)) : undefined;
};

/** An item of the BatchGet that read claims: the claim it is, parsed, or undefined for any other item. */
export const claimOf = (item: Record<string, unknown>): TrackingClaimRecord | undefined =>
  item.__edb_e__ === 'trackingClaim' ? parseStored(trackingClaimRecord, item, described(item)) : undefined;

const quietShipment = shipmentRecord.pick({ shipmentId: true, lastActivityAt: true, stalledAt: true });

/**
 * One page (one Query) of a bucket of the active index: shipments not terminal whose last
 * activity is before `before`, oldest first; `next` is where the following page starts.
 */
export const quietActiveShipments = async (
  bucket: number,
  before: string,
  limit: number,
  start: Record<string, unknown> | undefined,
): Promise<{ shipments: Array<z.output<typeof quietShipment>>; next: Record<string, unknown> | undefined }> => {
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      ExpressionAttributeValues: { ':pk': activeShipmentsPartition(bucket), ':before': before },
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const shipments = (page.Items ?? []).filter((item) => item.__edb_e__ === 'shipment').map((item) => parseStored(quietShipment, item, described(item)));
  return { shipments, next: page.LastEvaluatedKey };
};
