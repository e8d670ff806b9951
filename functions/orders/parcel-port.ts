import type { TransactionEntities } from './db.js';

/** A parcel as the order lists it. */
export interface BookedParcel {
  readonly orderId: string;
  readonly shipmentId: string;
  readonly partnerCode: string;
  readonly trackingNumber: string;
  readonly status: string;
}

/**
 * The port the orders context exposes to logistics for booking a parcel: the order's side of
 * logistics' booking transaction. The order must still be paid or shipped; its version moves,
 * so a cancellation or refund decided on the version before fails and decides again; the
 * parcel is listed under the order's partition. Orders owns these writes; logistics only puts
 * them into its transaction (the bundles test allows logistics this one port into orders).
 */
export const parcelBookedOnOrder = (entities: Pick<TransactionEntities, 'order' | 'orderShipment'>, parcel: BookedParcel) => [
  entities.orderShipment
    .create({ orderId: parcel.orderId, shipmentId: parcel.shipmentId, partnerCode: parcel.partnerCode, trackingNumber: parcel.trackingNumber, status: parcel.status, statusAt: '' })
    .commit(),
  entities.order
    .patch({ orderId: parcel.orderId })
    .add({ version: 1 })
    .where((attr, op) => `${op.eq(attr.status, 'paid')} OR ${op.eq(attr.status, 'shipped')}`)
    .commit(),
];
