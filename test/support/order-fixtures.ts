/** Orders as the order store writes and reads them, for the store's unit tests. */
import type { OrderFields } from '../../functions/orders/order-items.js';
import type { StoredOrder } from '../../functions/orders/order-read.js';

export const createdAt = '2026-11-20T08:15:30.000Z';

/** A new order, awaiting payment (its document stands in for a placed order). */
export const newOrder: OrderFields = {
  orderId: 'ord_1',
  merchantId: 'mer_1',
  shard: 2,
  status: 'pending_payment',
  createdAt,
  updatedAt: createdAt,
  paymentIntentId: 'pi_1',
  paidAmount: 0,
  refundedAmount: 0,
  document: { id: 'ord_1' } as unknown as OrderFields['document'],
  version: 1,
};

/** The same order as read back, paid, at version 3. */
export const paidOrder: StoredOrder = {
  placed: { id: 'ord_1', createdAt } as unknown as StoredOrder['placed'],
  merchantId: 'mer_1',
  shard: 2,
  status: 'paid',
  version: 3,
  paidAmount: 4270,
  refundedAmount: 0,
  refunds: [],
  updatedAt: createdAt,
};
