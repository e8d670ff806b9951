import { Service } from 'electrodb';
import { documentClient } from '../../functions/shared/clients/dynamodb.js';
import { config } from '../../functions/shared/config.js';

/**
 * An ElectroDB service over entities, on the configured table (built once per table name):
 * for tests and the bench, which seed and inspect items through the entities that define their
 * layout. No handler uses ElectroDB (decision 0046).
 */
export const serviceOf = <E extends ConstructorParameters<typeof Service>[0]>(entities: E) => {
  const build = (table: string) => new Service(entities, { client: documentClient, table });
  let current: { table: string; service: ReturnType<typeof build> } | undefined;
  return (): ReturnType<typeof build> => {
    const table = config.tableName();
    if (current?.table !== table) current = { table, service: build(table) };
    return current.service;
  };
};
