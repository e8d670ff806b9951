/**
 * The platform's plain document-client reads (decision 0046): one GetItem, or one page of a
 * Query on an index partition, keeping only the items of the entity asked for (as ElectroDB
 * did: its entity name and version markers) and validating each with its zod record schema.
 */
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { parseStored } from '../shared/db/stored-item.js';
import type { TableKey } from '../shared/db/write.js';

/** Which items a read returns: an entity's name and model version (`__edb_e__`, `__edb_v__`). */
export interface Owned<S extends z.ZodType> {
  readonly entity: string;
  /** The entity's model version; '1' unless its model says otherwise. */
  readonly version?: string;
  readonly schema: S;
}

const owns = (item: Record<string, unknown>, owned: Owned<z.ZodType>): boolean => item.__edb_e__ === owned.entity && item.__edb_v__ === (owned.version ?? '1');

const parsed = <S extends z.ZodType>(item: Record<string, unknown>, owned: Owned<S>): z.output<S> =>
  parseStored(owned.schema, item, `${owned.entity} item ${String(item.pk)} ${String(item.sk)}`);

/** One GetItem: the item when it is the entity's, else undefined. `consistent` as the read always was. */
export const getOwned = async <S extends z.ZodType>(key: TableKey, owned: Owned<S>, consistent = false): Promise<z.output<S> | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { pk: key.pk, sk: key.sk }, ...(consistent ? { ConsistentRead: true } : {}) }));
  return Item && owns(Item, owned) ? parsed(Item, owned) : undefined;
};

/** A partition of a global secondary index, optionally narrowed on its sort key. */
export interface IndexPartition {
  readonly index: 'gsi1' | 'gsi2';
  readonly pk: string;
  /** The sort key: `{ is }` one value, `{ beginsWith }` a prefix. */
  readonly sk?: { readonly is: string } | { readonly beginsWith: string };
  /** Newest (highest sort key) first. */
  readonly descending?: boolean;
}

/** The Query of one page of an index partition from a store position (what queryPage sends). */
export const queryInput = (partition: IndexPartition, limit: number, position: string | null): QueryCommandInput => {
  const start = startKeyOf(position);
  const { sk } = partition;
  const skCondition = sk === undefined ? '' : 'is' in sk ? ' AND #sk = :sk' : ' AND begins_with(#sk, :sk)';
  return {
    TableName: config.tableName(),
    IndexName: partition.index,
    KeyConditionExpression: `#pk = :pk${skCondition}`,
    ExpressionAttributeNames: { '#pk': `${partition.index}pk`, ...(sk === undefined ? {} : { '#sk': `${partition.index}sk` }) },
    ExpressionAttributeValues: { ':pk': partition.pk, ...(sk === undefined ? {} : { ':sk': 'is' in sk ? sk.is : sk.beginsWith }) },
    ...(partition.descending ? { ScanIndexForward: false } : {}),
    Limit: limit,
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
};

/**
 * One Query page of `limit` items (DynamoDB's Limit: counted before the entity is checked, so a
 * page can be short and still have a next one) from a store position, and the position after it.
 */
export const queryPage = async <S extends z.ZodType>(
  partition: IndexPartition,
  owned: Owned<S>,
  limit: number,
  position: string | null,
): Promise<{ data: z.output<S>[]; cursor: string | null }> => {
  const page = await documentClient.send(new QueryCommand(queryInput(partition, limit, position)));
  const data = (page.Items ?? []).filter((item) => owns(item, owned)).map((item) => parsed(item, owned));
  return { data, cursor: positionOf(page.LastEvaluatedKey) };
};
