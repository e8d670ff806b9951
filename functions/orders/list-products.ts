import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { productView } from './product.js';

/** GET /v1/products: the merchant's catalogue by SKU, one Query per page. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `products:${merchantId}`;
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db().entities.product.query.bySku({ merchantId }).go({ limit: request.query.limit, cursor: position });
  return { status: 200, body: await pageOf(scope, data.map(productView), cursor) };
});
