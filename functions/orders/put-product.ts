import { upsertReturningOld } from '../shared/db/write.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { productBody, productView, skuPath } from './product.js';
import { productKey } from './product-read.js';

/** PUT /v1/products/{sku}: creates (201) or replaces (200) a catalogue entry, in one conditional-free upsert. */
export const handler = httpHandler({ access: keyed('merchant'), body: productBody, path: skuPath }, async (request) => {
  const merchantId = requireTenant(request);
  const { title, brand, hsCode, originCountry, price, weightGrams } = request.body;
  const now = new Date().toISOString();
  const { sku } = request.path;
  const previous = await upsertReturningOld(productKey(merchantId, sku), 'product', {
    set: { merchantId, sku, title, brand, hsCode, originCountry, priceFen: price.amount, weightGrams, updatedAt: now },
    setIfAbsent: { createdAt: now },
  });
  const createdAt = typeof previous?.createdAt === 'string' ? previous.createdAt : now;
  const product = productView({ merchantId, sku: request.path.sku, title, brand, hsCode, originCountry, priceFen: price.amount, weightGrams, createdAt, updatedAt: now });
  return { status: previous ? 200 : 201, body: { product } };
});
