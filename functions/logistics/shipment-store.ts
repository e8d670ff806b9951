/**
 * Reading parcels for logistics' own decisions with the document client: heads (booking,
 * intake, the stall detector) and tracking-number claims, as logistics-items.ts lays them out,
 * validated with zod where they are read. Public tracking reads through shipment-read.ts,
 * which stays free of these schemas (a smaller, faster-starting bundle).
 */
import * as z from 'zod/mini';
import { batchGetItems } from '../shared/db/batch-get.js';
import { getRecord, queryPage, recordOf } from '../shared/db/read.js';
import {
  activeShipmentsPartition,
  shipmentKey,
  shipmentRecord,
  trackingClaimKey,
  trackingClaimRecord,
  type ShipmentRecord,
  type TrackingClaimRecord,
} from './logistics-items.js';


/** A parcel's head (one GetItem). */
export const getShipment = (shipmentId: string, options: { consistent: boolean }): Promise<ShipmentRecord | undefined> =>
  getRecord('shipment', shipmentRecord, shipmentKey(shipmentId), options.consistent);

/** Parcels' heads by id, in as few BatchGetItem calls as the 100-key limit allows (strongly consistent: intake decides on them). */
export const getShipments = async (shipmentIds: readonly string[]): Promise<Map<string, ShipmentRecord>> => {
  const items = await batchGetItems(
    shipmentIds.map((shipmentId) => ({ ...shipmentKey(shipmentId) })),
    { consistent: true },
  );
  const heads = items.flatMap((item) => recordOf('shipment', shipmentRecord, item) ?? []);
  return new Map(heads.map((head) => [head.shipmentId, head]));
};

/** Which shipment a partner's tracking number names now (one GetItem). */
export const getTrackingClaim = (partnerCode: string, trackingNumber: string, options: { consistent: boolean }): Promise<TrackingClaimRecord | undefined> =>
  getRecord('trackingClaim', trackingClaimRecord, trackingClaimKey(partnerCode, trackingNumber), options.consistent);

/** An item of the BatchGet that read claims: the claim it is, parsed, or undefined for any other item. */
export const claimOf = (item: Record<string, unknown>): TrackingClaimRecord | undefined => recordOf('trackingClaim', trackingClaimRecord, item);

/** Built on first use, as the record it picks from (logistics-items.ts). */
const quietShipment = z.lazy(() => z.pick(shipmentRecord._zod.innerType, { shipmentId: true, lastActivityAt: true, stalledAt: true }));

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
  const page = await queryPage('shipment', quietShipment, { index: 'gsi2', partition: activeShipmentsPartition(bucket), before }, { limit, start });
  return { shipments: page.records, next: page.next };
};
