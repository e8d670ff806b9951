/** A product's SKU as a merchant sends it: products and order lines share it, and a bundle that reads a product carries no order. */
import * as z from 'zod/mini';

export const skuSchema = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'SKU: 1-64 letters, digits, dot, underscore or hyphen'));
