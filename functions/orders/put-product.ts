import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { productBody, productView, skuPath } from './product.js';

/** PUT /v1/products/{sku}: creates (201) or replaces (200) a catalogue entry, in one conditional-free upsert. */
export const handler = httpHandler({ access: keyed('merchant'), body: productBody, path: skuPath }, async (request) => {
  const merchantId = requireTenant(request);
  const { title, brand, hsCode, originCountry, price, weightGrams } = request.body;
  const now = new Date().toISOString();
  const { data: previous } = await db()
    .entities.product.upsert({ merchantId, sku: request.path.sku, title, brand, hsCode, originCountry, priceFen: price.amount, weightGrams, updatedAt: now })
    .ifNotExists({ createdAt: now })
    .go({ response: 'all_old' });
  const createdAt = previous?.createdAt ?? now;
  const product = productView({ merchantId, sku: request.path.sku, title, brand, hsCode, originCountry, priceFen: price.amount, weightGrams, createdAt, updatedAt: now });
  return { status: previous ? 200 : 201, body: { product } };
});
