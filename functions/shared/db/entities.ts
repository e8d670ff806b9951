/**
 * Single-table entities (ElectroDB). Each entity declares its keys once; ElectroDB
 * stores the entity name and version on every item (`__edb_e__`, `__edb_v__`).
 * Field names match lib/table.ts. Access patterns are listed in the README.
 */
import { Entity, type EntityItem } from 'electrodb';

const service = 'xborder';

/**
 * API keys, found by the SHA-256 of the key (the key itself is never stored). Operators list
 * them through gsi1 (one partition, sorted by role, then owner, then creation: a role or a
 * merchant is a key prefix) and revoke by id through gsi2. Issuing keys is rare, so one list
 * partition stays far below any partition limit.
 */
export const apiKeyEntity = new Entity({
  model: { entity: 'apiKey', version: '1', service },
  attributes: {
    keyHash: { type: 'string', required: true },
    keyId: { type: 'string', required: true },
    role: { type: ['admin', 'merchant', 'finance'] as const, required: true },
    tenantId: { type: 'string' },
    /** The merchant a key belongs to, or `platform` for operator and finance keys (the list index's prefix). */
    owner: { type: 'string', required: true },
    keyPreview: { type: 'string', required: true },
    createdBy: { type: 'string', required: true },
    createdAt: { type: 'string', required: true },
    /** Set once by revocation: the key stops authenticating (within the auth cache's minute). */
    revokedAt: { type: 'string' },
    /** Set once by rotation: the key keeps working until then. */
    expiresAt: { type: 'string' },
    /** The key that replaced this one by rotation. */
    replacedBy: { type: 'string' },
  },
  indexes: {
    byHash: {
      pk: { field: 'pk', composite: ['keyHash'], template: 'APIKEY#${keyHash}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'APIKEY', casing: 'none' },
    },
    list: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'APIKEYS', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['role', 'owner', 'createdAt', 'keyId'], template: '${role}#${owner}#${createdAt}#${keyId}', casing: 'none' },
    },
    byId: {
      index: 'gsi2',
      pk: { field: 'gsi2pk', composite: ['keyId'], template: 'APIKEYID#${keyId}', casing: 'none' },
      sk: { field: 'gsi2sk', composite: [], template: 'APIKEY', casing: 'none' },
    },
  },
});
export type ApiKeyItem = EntityItem<typeof apiKeyEntity>;

/**
 * Transactional outbox: written in the same TransactWriteItems as the state change;
 * the stream relay puts it on the bus. Expires after a week (it is only a buffer).
 */
export const outboxEntity = new Entity({
  model: { entity: 'outbox', version: '1', service },
  attributes: {
    eventId: { type: 'string', required: true },
    source: { type: 'string', required: true },
    detailType: { type: 'string', required: true },
    detail: { type: 'string', required: true },
    occurredAt: { type: 'string', required: true },
    correlationId: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byEventId: {
      pk: { field: 'pk', composite: ['eventId'], template: 'OUTBOX#${eventId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'OUTBOX', casing: 'none' },
    },
  },
});
export type OutboxItem = EntityItem<typeof outboxEntity>;

/** The operators' audit trail: one item per recorded event, newest first through gsi1. */
export const auditEventEntity = new Entity({
  model: { entity: 'auditEvent', version: '1', service },
  attributes: {
    eventId: { type: 'string', required: true },
    source: { type: 'string', required: true },
    detailType: { type: 'string', required: true },
    occurredAt: { type: 'string', required: true },
    correlationId: { type: 'string', required: true },
    data: { type: 'any', required: true },
    recordedAt: { type: 'string', required: true },
    /** Who: the API key (id and role) that made the change; absent for changes the system made. */
    actor: { type: 'map', properties: { keyId: { type: 'string', required: true }, role: { type: 'string', required: true } } },
  },
  indexes: {
    byEventId: {
      pk: { field: 'pk', composite: ['eventId'], template: 'AUDIT#${eventId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'AUDIT', casing: 'none' },
    },
    byTime: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'AUDIT', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['occurredAt', 'eventId'], template: '${occurredAt}#${eventId}', casing: 'none' },
    },
  },
});
export type AuditEventItem = EntityItem<typeof auditEventEntity>;
