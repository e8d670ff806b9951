import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';

export type RawItem = Record<string, unknown>;

/** BatchGetItem's limit per call. */
const maxKeysPerCall = 100;

export class BatchGetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BatchGetError';
  }
}

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Reads items of the table by key in as few BatchGetItem calls as the 100-key limit allows
 * (in parallel), retrying unprocessed keys (throttling) with backoff; strongly consistent
 * when asked (items written together in one transaction are then seen together). Items come back raw;
 * callers validate each with the record schema of the entity its `__edb_e__` names.
 */
export const batchGetItems = async (keys: readonly RawItem[], options: { readonly consistent?: boolean } = {}): Promise<RawItem[]> => {
  if (keys.length === 0) return [];
  const table = config.tableName();
  const pages = await Promise.all(
    chunk(keys, maxKeysPerCall).map(async (page) => {
      const found: RawItem[] = [];
      let pending: RawItem[] = page;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt > 5) throw new BatchGetError('BatchGet kept returning unprocessed keys');
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        const result = await documentClient.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) } } }));
        found.push(...(result.Responses?.[table] ?? []));
        pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as RawItem[];
      }
      return found;
    }),
  );
  return pages.flat();
};

