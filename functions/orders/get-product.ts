import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { productView, skuPath } from './product.js';
import { getProduct } from './product-read.js';

/** GET /v1/products/{sku}: one GetItem in the merchant's own partition (another merchant's SKU is simply absent). */
export const handler = httpHandler({ access: keyed('merchant'), path: skuPath }, async (request) => {
  const product = await getProduct(requireTenant(request), request.path.sku);
  if (!product) throw new ProblemError('not_found');
  return { status: 200, body: { product: productView(product) } };
});
