import { Service } from 'electrodb';
import { documentClient } from '../clients/dynamodb.js';
import { config } from '../config.js';
import { apiKeyEntity, auditEventEntity, outboxEntity } from './entities.js';

const entities = { apiKey: apiKeyEntity, outbox: outboxEntity, auditEvent: auditEventEntity };

const build = (table: string) => new Service(entities, { client: documentClient, table });
type Db = ReturnType<typeof build>;

let current: { table: string; db: Db } | undefined;

/** The ElectroDB service on the configured table (built once per table name). */
export const db = (): Db => {
  const table = config.tableName();
  if (current?.table !== table) current = { table, db: build(table) };
  return current.db;
};
