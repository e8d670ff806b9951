/**
 * Reading the catalogue with the document client: products as put-product.ts writes them
 * through the `product` entity, validated with zod where they are read (the agreement test
 * in test/unit/shared/plain-reads.test.ts holds keys and shapes together).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { parseStored } from '../shared/db/stored-item.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { productBody } from './product.js';

/** A product item (entity `product`). */
export const productRecord = z.object({
  merchantId: z.string(),
  sku: z.string(),
  title: productBody.shape.title,
  brand: z.string(),
  hsCode: z.string(),
  originCountry: z.string(),
  priceFen: z.number().int(),
  weightGrams: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductRecord = z.output<typeof productRecord>;

/** A product's table key: the merchant's partition, by SKU. */
export const productKey = (merchantId: string, sku: string) => ({ pk: `MERCHANT#${merchantId}`, sk: `PRODUCT#${sku}` });

const productOf = (item: Record<string, unknown>): ProductRecord => parseStored(productRecord, item, `product item ${String(item.pk)} ${String(item.sk)}`);

/** One GetItem in the merchant's own partition (another merchant's SKU is simply absent). */
export const getProduct = async (merchantId: string, sku: string): Promise<ProductRecord | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: productKey(merchantId, sku) }));
  return Item ? productOf(Item) : undefined;
};

/** One page of the merchant's catalogue by SKU (one Query), and where the next page starts. */
export const listProducts = async (merchantId: string, limit: number, position: string | null): Promise<{ products: ProductRecord[]; next: string | null }> => {
  const start = startKeyOf(position);
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :products)',
      ExpressionAttributeValues: { ':pk': productKey(merchantId, '').pk, ':products': productKey(merchantId, '').sk },
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const products = (page.Items ?? []).filter((item) => item.__edb_e__ === 'product').map(productOf);
  return { products, next: positionOf(page.LastEvaluatedKey) };
};
