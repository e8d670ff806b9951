/**
 * The platform's reads of what other contexts own, by index partition and store position
 * (cursors): the shared plain reads (functions/shared/db/read.ts) keep only the items of the
 * entity asked for and validate each with its zod record schema.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { getRecord, queryInput as tableQuery, queryPage as tablePage, type EntityName, type QueryTarget } from '../shared/db/read.js';
import type { TableKey } from '../shared/db/write.js';

/** Which items a read returns: an entity's (name and model version), validated with its record schema. */
export interface Owned<S extends z.ZodMiniType> {
  readonly entity: EntityName;
  readonly schema: S;
}

/** One GetItem: the item when it is the entity's, else undefined. `consistent` as the read always was. */
export const getOwned = <S extends z.ZodMiniType>(key: TableKey, owned: Owned<S>, consistent = false): Promise<z.output<S> | undefined> =>
  getRecord(owned.entity, owned.schema, key, consistent);

/** A partition of a global secondary index, optionally narrowed on its sort key. */
export interface IndexPartition {
  readonly index: 'gsi1' | 'gsi2';
  readonly pk: string;
  /** The sort key: `{ is }` one value, `{ beginsWith }` a prefix. */
  readonly sk?: { readonly is: string } | { readonly beginsWith: string };
  /** Newest (highest sort key) first. */
  readonly descending?: boolean;
}

const targetOf = ({ index, pk, sk }: IndexPartition): QueryTarget => ({
  index,
  partition: pk,
  ...(sk === undefined ? {} : 'is' in sk ? { is: sk.is } : { prefix: sk.beginsWith }),
});

/** The Query of one page of an index partition from a store position (what queryPage sends). */
export const queryInput = (partition: IndexPartition, limit: number, position: string | null): QueryCommandInput =>
  tableQuery(targetOf(partition), { limit, descending: partition.descending === true, start: startKeyOf(position) });

/**
 * One Query page of `limit` items (DynamoDB's Limit: counted before the entity is checked, so a
 * page can be short and still have a next one) from a store position, and the position after it.
 */
export const queryPage = async <S extends z.ZodMiniType>(
  partition: IndexPartition,
  owned: Owned<S>,
  limit: number,
  position: string | null,
): Promise<{ data: z.output<S>[]; cursor: string | null }> => {
  const { records, next } = await tablePage(owned.entity, owned.schema, targetOf(partition), { limit, descending: partition.descending === true, start: startKeyOf(position) });
  return { data: records, cursor: positionOf(next) };
};
