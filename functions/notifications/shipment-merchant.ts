/**
 * The merchant of a parcel, read from what logistics owns (its `shipment` head item, entity
 * in functions/logistics/entities.ts): a ShipmentStalled event names no merchant. Logistics'
 * own reader (shipment-read.ts) does not read the merchant, so this small one does.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored } from '../shared/db/stored-item.js';

/** The part of a `shipment` item read here. */
export const shipmentMerchantRecord = z.lazy(() =>
  z.object({ shipmentId: z.string(), merchantId: z.string() }),
);

export const shipmentKey = (shipmentId: string) => ({ pk: `SHIPMENT#${shipmentId}`, sk: 'SHIPMENT' });

/** The shipment's merchant, or undefined when there is no such shipment (an eventually consistent GetItem, as before). */
export const merchantOfShipment = async (shipmentId: string): Promise<string | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: shipmentKey(shipmentId) }));
  return Item?.__edb_e__ === 'shipment' ? parseStored(shipmentMerchantRecord, Item, `shipment item ${String(Item.pk)}`).merchantId : undefined;
};
