import { createItem, patchItem, type TransactItem } from '../shared/db/write.js';
import { orderKey, parcelItem } from './order-items.js';

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
 * logistics' booking transaction, as two transaction items (in this order: the parcel, then the
 * order). The order must exist and still be paid or shipped; its version moves, so a
 * cancellation or refund decided on the version before fails and decides again; the parcel is
 * listed under the order's partition (created only if absent). Orders owns these writes;
 * logistics only puts them into its transaction (the bundles test allows logistics this one
 * port into orders).
 */
export const parcelBookedOnOrder = (parcel: BookedParcel): TransactItem[] => [
  createItem(parcelItem({ ...parcel, statusAt: '' })),
  patchItem(
    orderKey(parcel.orderId),
    'order',
    { set: { orderId: parcel.orderId }, add: { version: 1 } },
    { expression: '#status = :paid OR #status = :shipped', names: { '#status': 'status' }, values: { ':paid': 'paid', ':shipped': 'shipped' } },
  ),
];
