import * as z from 'zod/mini';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { orderStatuses, orderView } from './order.js';
import { listOrders, type ShardPositions } from './order-read.js';

const query = z.extend(listQuery, { status: z.optional(z.enum(orderStatuses)) });
export { query as listOrdersQuery };

/** GET /v1/orders?status=&limit=&cursor=: newest first across the merchant's index shards. */
export const handler = httpHandler({ access: keyed('merchant'), query }, async (request) => {
  const merchantId = requireTenant(request);
  const { status, limit, cursor } = request.query;
  const scope = `orders:${merchantId}:${status ?? '*'}`;
  const position = await readCursor(scope, cursor);
  const positions = position ? (JSON.parse(position) as ShardPositions) : null;
  const page = await listOrders(merchantId, { status, limit, positions });
  return {
    status: 200,
    body: await pageOf(scope, page.orders.map(orderView), page.positions ? JSON.stringify(page.positions) : null),
  };
});
