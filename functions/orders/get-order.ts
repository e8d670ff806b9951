import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { orderView } from './order.js';
import { orderPath, ownOrder } from './order-access.js';

/** GET /v1/orders/{id}: one read. */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath }, async (request) => {
  const order = await ownOrder(requireTenant(request), request.path.id);
  return { status: 200, body: orderView(order) };
});
