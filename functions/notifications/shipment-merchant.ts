/**
 * The merchant of a parcel, read from what logistics owns (its `shipment` head item, entity
 * in functions/logistics/entities.ts): a ShipmentStalled event names no merchant. Logistics'
 * own reader (shipment-read.ts) does not read the merchant, so this small one does.
 */
import * as z from 'zod/mini';
import { getRecord } from '../shared/db/read.js';

/** The part of a `shipment` item read here. */
const shipmentMerchantRecord = z.lazy(() => z.object({ shipmentId: z.string(), merchantId: z.string() }));

/** Logistics' key of a parcel's head, held to its entity by notifications' plain-writes test (no import of logistics' items). */
export const shipmentKey = (shipmentId: string) => ({ pk: `SHIPMENT#${shipmentId}`, sk: 'SHIPMENT' });

/** The shipment's merchant, or undefined when there is no such shipment (an eventually consistent GetItem, as before). */
export const merchantOfShipment = async (shipmentId: string): Promise<string | undefined> =>
  (await getRecord('shipment', shipmentMerchantRecord, shipmentKey(shipmentId), false))?.merchantId;
