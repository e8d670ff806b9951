import { Service } from 'electrodb';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';

/**
 * One ElectroDB service per bounded context (functions/<context>/db.ts): each builds its
 * service from its own entities (plus the outbox, and any entity another context exposes to
 * it as a port), so a bundle carries only its own context's model. Built once per table name.
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

/** The entities a context's write transaction callback receives (for helpers that build transaction items). */
export type TransactionEntitiesOf<D extends () => { transaction: { write: (fn: never) => unknown } }> = Parameters<Parameters<ReturnType<D>['transaction']['write']>[0]>[0];
