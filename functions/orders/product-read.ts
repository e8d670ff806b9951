/**
 * Reading the catalogue with the document client: products as put-product.ts writes them
 * through the `product` entity, validated with zod where they are read (the agreement test
 * in test/unit/shared/plain-reads.test.ts holds keys and shapes together).
 */
import * as z from 'zod/mini';
import { getRecord, queryPage } from '../shared/db/read.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { productBody } from './product.js';

/** A product item (entity `product`). */
export const productRecord = z.lazy(() =>
  z.object({
    merchantId: z.string(),
    sku: z.string(),
    title: productBody.shape.title,
    brand: z.string(),
    hsCode: z.string(),
    originCountry: z.string(),
    priceFen: z.number().check(z.int()),
    weightGrams: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type ProductRecord = z.output<typeof productRecord>;

/** A product's table key: the merchant's partition, by SKU. */
export const productKey = (merchantId: string, sku: string) => ({ pk: `MERCHANT#${merchantId}`, sk: `PRODUCT#${sku}` });

/** One GetItem in the merchant's own partition (another merchant's SKU is simply absent). */
export const getProduct = (merchantId: string, sku: string): Promise<ProductRecord | undefined> => getRecord('product', productRecord, productKey(merchantId, sku), false);

/** One page of the merchant's catalogue by SKU (one Query), and where the next page starts. */
export const listProducts = async (merchantId: string, limit: number, position: string | null): Promise<{ products: ProductRecord[]; next: string | null }> => {
  const { pk, sk } = productKey(merchantId, '');
  const page = await queryPage('product', productRecord, { partition: pk, prefix: sk }, { limit, start: startKeyOf(position) });
  return { products: page.records, next: positionOf(page.next) };
};
