import * as z from 'zod/mini';
import { moneySchema, type Money } from '../shared/money.js';
import type { ProductRecord as ProductItem } from './product-read.js';
import { skuSchema } from './sku.js';

export const productBody = z.strictObject({
  title: z.strictObject({
    en: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
    zh: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(300))),
  }),
  brand: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  hsCode: z.string().check(z.regex(/^\d{6,10}$/, 'HS code: 6 to 10 digits')),
  originCountry: z.string().check(z.regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code, e.g. CN')),
  price: z.extend(moneySchema('CNY'), { amount: z.number().check(z.int(), z.positive()) }),
  weightGrams: z.number().check(z.int(), z.gte(1), z.lte(100_000)),
});

export const skuPath = z.object({ sku: skuSchema });

export interface ProductView {
  readonly sku: string;
  readonly title: { readonly en: string; readonly zh?: string };
  readonly brand: string;
  readonly hsCode: string;
  readonly originCountry: string;
  readonly price: Money;
  readonly weightGrams: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A product as the API shows it, from a validated record (product-read.ts) or the body just stored. */
export const productView = (p: Omit<ProductItem, 'title'> & { title: ProductView['title'] }): ProductView => ({
  sku: p.sku,
  title: p.title,
  brand: p.brand,
  hsCode: p.hsCode,
  originCountry: p.originCountry,
  price: { amount: p.priceFen, currency: 'CNY' },
  weightGrams: p.weightGrams,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
