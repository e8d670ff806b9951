import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { getOrder, type StoredOrder } from './order-read.js';

export const orderPath = z.object({ id: z.string().check(z.regex(/^ord_[0-9A-Z]{26}$/, 'an order ID (ord_…)')) });

/** The merchant's own order, or 404 (another merchant's order is indistinguishable from none). */
export const ownOrder = async (merchantId: string, orderId: string): Promise<StoredOrder> => {
  const order = await getOrder(orderId);
  if (!order || order.merchantId !== merchantId) throw new ProblemError('not_found');
  return order;
};
