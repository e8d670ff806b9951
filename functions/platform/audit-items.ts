/**
 * The audit trail's items (entity `auditEvent`) as the document client writes and reads them:
 * one per recorded event, newest first through gsi1 (test/unit/platform/plain-writes.test.ts
 * holds them to the entity).
 */
import * as z from 'zod/mini';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { storedItem, type Item } from '../shared/db/write.js';
import { queryPage, type IndexPartition } from './store.js';

export const auditEventRecord = z.lazy(() =>
  z.object({
    eventId: z.string(),
    source: z.string(),
    detailType: z.string(),
    occurredAt: z.string(),
    correlationId: z.string(),
    data: z.unknown(),
    recordedAt: z.string(),
    /** Who: the API key that made the change; absent for changes the system made. */
    actor: optional(z.object({ keyId: z.string(), role: z.string() })),
  }),
);
export type AuditEventRecord = z.output<typeof auditEventRecord>;

export const auditEventItem = (e: AuditEventRecord): Item =>
  storedItem('auditEvent', { ...e }, { pk: `AUDIT#${e.eventId}`, sk: 'AUDIT', gsi1pk: 'AUDIT', gsi1sk: `${e.occurredAt}#${e.eventId}` });

/** The trail, newest first (gsi1). */
export const auditTrail: IndexPartition = { index: 'gsi1', pk: 'AUDIT', descending: true };
export const listAuditEvents = (limit: number, position: string | null) => queryPage(auditTrail, { entity: 'auditEvent', schema: auditEventRecord }, limit, position);
