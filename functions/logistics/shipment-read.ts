/**
 * Reading parcels for public tracking with the document client: what logistics writes
 * (logistics-items.ts, in the layout of entities.ts), validated with zod where it is read
 * (unit tests hold key layouts and shapes together). The public tracking bundle carries
 * no entity framework, nor the schemas of what only logistics' writers read (shipment-store.ts).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored, storedOptional as optional } from '../shared/db/stored-item.js';
import { flight, location, trackingStatus, type TimelineEvent } from './tracking.js';


/** One event of a parcel's timeline as stored (on a `shipmentEvent` item, or in a legacy list on the head). */
export const storedTimelineEvent: z.ZodMiniType<TimelineEvent> = z.lazy(() =>
  z.object({
    eventId: z.string(),
    status: trackingStatus,
    occurredAt: z.string(),
    location: optional(location),
    flight: optional(flight),
    description: optional(z.string()),
  }),
);

/** The parcel's head item (entity `shipment`), as far as tracking reads it. */
export const shipmentHeadRecord = z.lazy(() =>
  z.object({
    shipmentId: z.string(),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string(),
    terminal: z.boolean(),
    bookedAt: z.string(),
    lastActivityAt: z.string(),
    currentFlight: optional(flight),
    /** Legacy: the timeline before events became items of their own. */
    timeline: optional(z.array(storedTimelineEvent)),
  }),
);
export type ShipmentHeadRecord = z.output<typeof shipmentHeadRecord>;

/** The tracking-number index's partition key (gsi1 of `shipment`). */
export const trackingNumberPartition = (trackingNumber: string): string => `TN#${trackingNumber}`;
/** A parcel's partition: its head and its events (`EVENT#eventId`). */
export const shipmentPartition = (shipmentId: string): string => `SHIPMENT#${shipmentId}`;

const queryAll = async (input: QueryCommandInput): Promise<Array<Record<string, unknown>>> => {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** Every parcel ever booked with this tracking number, with any partner (one Query on gsi1). */
export const parcelsByTrackingNumber = async (trackingNumber: string): Promise<ShipmentHeadRecord[]> => {
  const items = await queryAll({
    TableName: config.tableName(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': trackingNumberPartition(trackingNumber) },
  });
  return items.filter((item) => item.__edb_e__ === 'shipment').map((item) => parseStored(shipmentHeadRecord, item, `shipment item ${String(item.pk)}`));
};

/** A parcel's stored events (one Query on its partition, paginated). */
export const parcelEvents = async (shipmentId: string): Promise<TimelineEvent[]> => {
  const items = await queryAll({
    TableName: config.tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
    ExpressionAttributeValues: { ':pk': shipmentPartition(shipmentId), ':events': 'EVENT#' },
    ConsistentRead: true,
  });
  return items
    .filter((item) => item.__edb_e__ === 'shipmentEvent')
    .map((item) => parseStored(storedTimelineEvent, item, `shipment event item ${String(item.pk)} ${String(item.sk)}`));
};
