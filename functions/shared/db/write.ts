/**
 * Plain document-client writes (decision 0046): items in the layout the entities in
 * `functions/<context>/entities.ts` define (their keys and ElectroDB's `__edb_e__` /
 * `__edb_v__` markers, so either side reads what the other wrote), transaction items and
 * update expressions. Key layouts are held to the entities by test/unit/<context>/plain-writes.test.ts.
 */
import { PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';
import type { OutboxItem } from './entities.js';
import { isConditionalCheckFailure } from './errors.js';

export type Item = Record<string, unknown>;
// A type alias, not an interface: it is also a Record<string, string>.
export type TableKey = { readonly pk: string; readonly sk: string };
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A condition in DynamoDB's expression language, with the `#names` and `:values` it uses. */
export interface Condition {
  readonly expression: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Item>;
}

/** Which entity an item is: its name, and its model version when that is not '1' (ElectroDB's `__edb_e__`, `__edb_v__`). */
export type EntityName = string | { readonly name: string; readonly version: string };

/** An entity's markers as every item of it carries them. */
export const markersOf = (entity: EntityName): { __edb_e__: string; __edb_v__: string } =>
  typeof entity === 'string' ? { __edb_e__: entity, __edb_v__: '1' } : { __edb_e__: entity.name, __edb_v__: entity.version };

const definedOnly = (attributes: Item): Item => Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined));

/** An item as stored: its attributes (undefined left out), its table and index keys, and the entity markers. */
export const storedItem = (entity: EntityName, attributes: Item, keys: Readonly<Record<string, string>>): Item => ({
  ...definedOnly(attributes),
  ...keys,
  ...markersOf(entity),
});

const notThere: Condition = { expression: 'attribute_not_exists(#pk) AND attribute_not_exists(#sk)', names: { '#pk': 'pk', '#sk': 'sk' } };
const there: Condition = { expression: 'attribute_exists(#pk) AND attribute_exists(#sk)', names: { '#pk': 'pk', '#sk': 'sk' } };

/** Two conditions that must both hold. */
export const both = (a: Condition, b: Condition | undefined): Condition =>
  b ? { expression: `(${a.expression}) AND (${b.expression})`, names: { ...a.names, ...b.names }, values: { ...a.values, ...b.values } } : a;

// DynamoDB refuses an empty ExpressionAttributeNames or ExpressionAttributeValues map: leave them out.
const conditionParts = (condition: Condition) => ({
  ConditionExpression: condition.expression,
  ...(condition.names && Object.keys(condition.names).length > 0 ? { ExpressionAttributeNames: { ...condition.names } } : {}),
  ...(condition.values && Object.keys(condition.values).length > 0 ? { ExpressionAttributeValues: { ...condition.values } } : {}),
});

/** A Put only if no item has this key (a create). */
const createPut = (item: Item, condition?: Condition) => ({ TableName: config.tableName(), Item: item, ...conditionParts(both(notThere, condition)) });

/** Put only if no item has this key (a create): as a transaction item. */
export const createItem = (item: Item, condition?: Condition): TransactItem => ({ Put: createPut(item, condition) });

/** Put, replacing whatever has this key (only while `condition` holds, if given): as a transaction item. */
export const putItem = (item: Item, condition?: Condition): TransactItem => ({
  Put: { TableName: config.tableName(), Item: item, ...(condition ? conditionParts(condition) : {}) },
});

/** The item is still at the version it was read at (optimistic locking). */
export const atVersion = (version: number): Condition => ({ expression: '#version = :version', names: { '#version': 'version' }, values: { ':version': version } });

/** Put, replacing the item only while it is at `version`: as a transaction item. */
export const putOnVersion = (item: Item, version: number): TransactItem => putItem(item, atVersion(version));

/** Delete the item (only while `condition` holds, if given): as a transaction item. */
export const deleteItem = (key: TableKey, condition?: Condition): TransactItem => ({
  Delete: { TableName: config.tableName(), Key: { pk: key.pk, sk: key.sk }, ...(condition ? conditionParts(condition) : {}) },
});

/** What an update changes: attributes to set (undefined ones left out), numbers to add, attributes to remove. */
export interface Change {
  readonly set?: Item;
  /** Set only where the item has no value yet (`if_not_exists`). */
  readonly setIfAbsent?: Item;
  readonly add?: Readonly<Record<string, number>>;
  readonly remove?: readonly string[];
}

const updateParts = (key: TableKey, entity: EntityName, change: Change, condition?: Condition) => {
  const names: Record<string, string> = { ...condition?.names };
  const values: Item = { ...condition?.values };
  const sets: string[] = [];
  const adds: string[] = [];
  let n = 0;
  const name = (attribute: string): string => {
    const token = `#u${n}`;
    names[token] = attribute;
    return token;
  };
  const value = (v: unknown): string => {
    const token = `:u${n}`;
    values[token] = v;
    n += 1;
    return token;
  };
  for (const [attribute, v] of Object.entries(definedOnly({ ...change.set, ...markersOf(entity) }))) sets.push(`${name(attribute)} = ${value(v)}`);
  for (const [attribute, v] of Object.entries(definedOnly({ ...change.setIfAbsent }))) {
    const a = name(attribute);
    sets.push(`${a} = if_not_exists(${a}, ${value(v)})`);
  }
  for (const [attribute, v] of Object.entries(change.add ?? {})) adds.push(`${name(attribute)} ${value(v)}`);
  const removes = (change.remove ?? []).map((attribute) => {
    const token = name(attribute);
    n += 1;
    return token;
  });
  const expression = [sets.length ? `SET ${sets.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  return {
    TableName: config.tableName(),
    Key: { pk: key.pk, sk: key.sk },
    UpdateExpression: expression,
    ...(condition ? { ConditionExpression: condition.expression } : {}),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
};

/** Update an item that must exist (a patch), optionally under a further condition: as a transaction item. */
export const patchItem = (key: TableKey, entity: EntityName, change: Change, condition?: Condition): TransactItem => ({
  Update: updateParts(key, entity, change, both(there, condition)),
});

/** Update the item, creating it if absent (an upsert), optionally under a condition: as a transaction item. */
export const upsertItem = (key: TableKey, entity: EntityName, change: Change, condition?: Condition): TransactItem => ({
  Update: updateParts(key, entity, change, condition),
});

/** A condition on another item, checked in the same transaction. */
export const conditionCheck = (key: TableKey, condition: Condition): TransactItem => ({
  ConditionCheck: { TableName: config.tableName(), Key: { pk: key.pk, sk: key.sk }, ...conditionParts(condition) },
});

/** An event's outbox item as stored (entity `outbox`). */
export const outboxStored = (event: OutboxItem): Item => storedItem('outbox', { ...event }, { pk: `OUTBOX#${event.eventId}`, sk: 'OUTBOX' });

/** The outbox item of an event, created in the transaction of the change it reports. */
export const outboxItem = (event: OutboxItem): TransactItem => createItem(outboxStored(event));

/** A transaction's outcome: written, or cancelled with each item's reason code (`None` for items that were fine). */
export type TransactOutcome = { readonly canceled: false } | { readonly canceled: true; readonly codes: readonly string[] };

/** ONE TransactWriteItems; a cancellation is an outcome (the caller decides what each reason means), anything else throws. */
export const transactWrite = async (items: readonly TransactItem[]): Promise<TransactOutcome> => {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: [...items] }));
    return { canceled: false };
  } catch (error) {
    if (error instanceof Error && error.name === 'TransactionCanceledException') {
      const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      return { canceled: true, codes: items.map((_, i) => reasons[i]?.Code ?? 'None') };
    }
    throw error;
  }
};

/** True when a cancelled transaction's item at `index` failed its condition. */
export const failedCondition = (outcome: TransactOutcome, index: number): boolean => outcome.canceled && outcome.codes[index] === 'ConditionalCheckFailed';

/** One conditional create outside a transaction: false when the key was taken. */
export const createOnce = async (item: Item): Promise<boolean> => {
  try {
    await documentClient.send(new PutCommand(createPut(item)));
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
};

/** One update outside a transaction (creating the item if absent: an upsert), returning its attributes as they were before (`ALL_OLD`). */
export const upsertReturningOld = async (key: TableKey, entity: EntityName, change: Change, condition?: Condition): Promise<Item | undefined> => {
  const { Attributes } = await documentClient.send(new UpdateCommand({ ...updateParts(key, entity, change, condition), ReturnValues: 'ALL_OLD' }));
  return Attributes;
};
