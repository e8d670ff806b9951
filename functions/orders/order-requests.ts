/**
 * What POST /v1/orders accepts, and the `Idempotency-Key` header it and the refunds route
 * take (as documented: http.ts checks the header itself). Apart from order.ts, which every
 * bundle that reads an order carries: only createOrder and the API document, which also
 * describes answers with the body's parts, build the body at import.
 */
import * as z from 'zod/mini';
import { buyerSchema, text } from './order.js';
import { skuSchema } from './sku.js';

export const createOrderBody = z.strictObject({
  currency: z.enum(['USD', 'HKD', 'MOP']),
  buyer: buyerSchema(),
  items: z
    .array(z.strictObject({ sku: skuSchema, quantity: z.number().check(z.int(), z.gte(1), z.lte(999)) }))
    .check(
      z.minLength(1),
      z.maxLength(50),
      z.refine((items) => new Set(items.map((i) => i.sku)).size === items.length, 'each SKU at most once'),
    ),
  attribution: z.optional(z.strictObject({ creatorId: text(64), postId: z.optional(text(128)) })),
});
export type CreateOrderBody = z.output<typeof createOrderBody>;

export const idempotencyKeyHeader = z.string().check(z.minLength(1), z.maxLength(255));
