/**
 * The single DynamoDB table, as plain data. The CDK stateful stack and the local
 * runtime (DynamoDB Local) both create the table from this definition, and the
 * ElectroDB entities in functions/shared/db name the same attributes and indexes.
 */
import { entityAttribute } from '../functions/shared/contracts.js';

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Generic, overloaded indexes: each entity documents what it puts in them (README: access patterns). */
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ] as readonly IndexDefinition[],
  /** Epoch seconds; idempotency records, dedupe markers and relayed outbox items expire through it. */
  timeToLiveAttribute: 'ttl',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  /** The attribute ElectroDB stores the entity name in (used by stream filters). */
  entityAttribute,
} as const;

/** Every key attribute is a string. */
export const keyAttributes = (): string[] => [
  tableDefinition.partitionKey,
  tableDefinition.sortKey,
  ...tableDefinition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
];
