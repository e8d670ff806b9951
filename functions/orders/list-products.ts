import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { productView } from './product.js';
import { listProducts } from './product-read.js';

/** GET /v1/products: the merchant's catalogue by SKU, one Query per page. */
export const handler = httpHandler({ access: keyed('merchant'), query: listQuery }, async (request) => {
  const merchantId = requireTenant(request);
  const scope = `products:${merchantId}`;
  const { products, next } = await listProducts(merchantId, request.query.limit, await readCursor(scope, request.query.cursor));
  return { status: 200, body: await pageOf(scope, products.map(productView), next) };
});
