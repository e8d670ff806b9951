/**
 * Plain document-client reads (decision 0046): GetItem and Query, each item validated with
 * the record schema of its entity (each context's items module defines them). Items of
 * another entity under the same keys are skipped, as ElectroDB skipped them.
 */
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod/mini';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';
import { parseStored } from './stored-item.js';
import { markersOf, type EntityName, type TableKey } from './write.js';

export type { EntityName } from './write.js';

type Raw = Record<string, unknown>;

const isOf = (entity: EntityName, item: Raw): boolean => {
  const markers = markersOf(entity);
  return item.__edb_e__ === markers.__edb_e__ && (item.__edb_v__ ?? '1') === markers.__edb_v__;
};

const described = (entity: EntityName, item: Raw): string => `${markersOf(entity).__edb_e__} item ${String(item.pk)} ${String(item.sk)}`;

/** An item of `entity` read with `schema`, or undefined when it is not there (or is another entity's). */
export const recordOf = <S extends z.ZodMiniType>(entity: EntityName, schema: S, item: Raw | undefined): z.output<S> | undefined =>
  item && isOf(entity, item) ? parseStored(schema, item, described(entity, item)) : undefined;

/** One GetItem; `consistent` as the read was before (the run's reads are, most API reads are not). */
export const getRecord = async <S extends z.ZodMiniType>(entity: EntityName, schema: S, key: TableKey, consistent: boolean): Promise<z.output<S> | undefined> => {
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: { pk: key.pk, sk: key.sk }, ...(consistent ? { ConsistentRead: true } : {}) }));
  return recordOf(entity, schema, Item);
};

/** Where a Query reads: a partition of the table or of an index, optionally one sort key, a sort-key prefix or a lower bound. */
export interface QueryTarget {
  readonly index?: 'gsi1' | 'gsi2';
  readonly partition: string;
  /** Exactly this sort key. */
  readonly is?: string;
  readonly prefix?: string;
  /** Sort keys strictly after this one. */
  readonly after?: string;
  /** Sort keys strictly before this one. */
  readonly before?: string;
  /** Sort keys up to and including this one. */
  readonly atMost?: string;
}

const fields = { table: ['pk', 'sk'], gsi1: ['gsi1pk', 'gsi1sk'], gsi2: ['gsi2pk', 'gsi2sk'] } as const;

/** A target's sort-key narrowing and the key condition it adds (at most one applies). */
const sortKeyConditions = [
  ['is', ' and #sk1 = :sk1'],
  ['prefix', ' and begins_with(#sk1, :sk1)'],
  ['after', ' and #sk1 > :sk1'],
  ['before', ' and #sk1 < :sk1'],
  ['atMost', ' and #sk1 <= :sk1'],
] as const;

/** The Query of a target, in ElectroDB's key condition (a begins_with for a prefix, a comparison for a bound). */
export const queryInput = (target: QueryTarget, options: { consistent?: boolean; limit?: number; descending?: boolean; start?: Raw | undefined } = {}): QueryCommandInput => {
  const [pk, sk] = fields[target.index ?? 'table'];
  const bound = sortKeyConditions.find(([field]) => target[field] !== undefined);
  return {
    TableName: config.tableName(),
    ...(target.index ? { IndexName: target.index } : {}),
    KeyConditionExpression: `#pk = :pk${bound ? bound[1] : ''}`,
    ExpressionAttributeNames: { '#pk': pk, ...(bound ? { '#sk1': sk } : {}) },
    ExpressionAttributeValues: { ':pk': target.partition, ...(bound ? { ':sk1': target[bound[0]] } : {}) },
    ...(options.consistent ? { ConsistentRead: true } : {}),
    ...(options.limit !== undefined ? { Limit: options.limit } : {}),
    ...(options.descending ? { ScanIndexForward: false } : {}),
    ...(options.start ? { ExclusiveStartKey: options.start } : {}),
  };
};

/** One page of a Query: the items of `entity` on it, validated, and the key to continue after (none at the end). */
export const queryPage = async <S extends z.ZodMiniType>(
  entity: EntityName,
  schema: S,
  target: QueryTarget,
  options: { consistent?: boolean; limit?: number; descending?: boolean; start?: Raw | undefined } = {},
): Promise<{ records: Array<z.output<S>>; next: Raw | undefined }> => {
  const page = await documentClient.send(new QueryCommand(queryInput(target, options)));
  const records: Array<z.output<S>> = [];
  for (const item of page.Items ?? []) {
    const record = recordOf(entity, schema, item);
    if (record !== undefined) records.push(record);
  }
  return { records, next: page.LastEvaluatedKey };
};

/** The key a Query continues after `item`: the table's, and the index's when it reads one. */
const continueAfter = (target: QueryTarget, item: Raw): Raw =>
  Object.fromEntries([...fields.table, ...(target.index ? fields[target.index] : [])].map((field) => [field, item[field]]));

/**
 * Up to `limit` records from `start`: Query pages until `limit` are read or the partition ends.
 * One Query stops at 1 MB whatever its Limit, so a report page of 5,000 stored lines of about
 * 400 bytes takes two or three. With `budget`, the page also ends before the record that would
 * take the weights past `budget.max` (the first record always fits): a page of long names stays
 * under a response limit. `next` is where the following page starts (none at the end).
 */
export const queryFill = async <S extends z.ZodMiniType>(
  entity: EntityName,
  schema: S,
  target: QueryTarget,
  options: { consistent?: boolean; limit: number; start?: Raw | undefined; budget?: { readonly max: number; readonly weigh: (record: z.output<S>) => number } },
): Promise<{ records: Array<z.output<S>>; next: Raw | undefined }> => {
  const records: Array<z.output<S>> = [];
  let weight = 0;
  let passed: Raw | undefined;
  let next = options.start;
  do {
    const page = await documentClient.send(new QueryCommand(queryInput(target, { ...options, limit: options.limit - records.length, start: next })));
    next = page.LastEvaluatedKey;
    for (const item of page.Items ?? []) {
      const record = recordOf(entity, schema, item);
      if (record !== undefined && options.budget) {
        weight += options.budget.weigh(record);
        if (weight > options.budget.max && passed !== undefined && records.length > 0) return { records, next: continueAfter(target, passed) };
      }
      if (record !== undefined) records.push(record);
      passed = item;
    }
  } while (next && records.length < options.limit);
  return { records, next };
};

/** Every page of a Query (ElectroDB's `pages: 'all'`), `limit` items per page when given. */
export const queryAll = async <S extends z.ZodMiniType>(
  entity: EntityName,
  schema: S,
  target: QueryTarget,
  options: { consistent?: boolean; limit?: number } = {},
): Promise<Array<z.output<S>>> => {
  const all: Array<z.output<S>> = [];
  let start: Raw | undefined;
  do {
    const page = await queryPage(entity, schema, target, { ...options, start });
    all.push(...page.records);
    start = page.next;
  } while (start);
  return all;
};
