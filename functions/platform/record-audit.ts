import { createOnce } from '../shared/db/write.js';
import { eventHandler } from '../shared/event-handler.js';
import { logger } from '../shared/observability.js';
import { auditEventItem } from './audit-items.js';
import { auditedEvents } from './audited-events.js';

/**
 * Records changes in the audit trail, once per eventId (redelivery is a no-op). Generic:
 * audited-events.ts lists what reaches it (the manifest's audit rule is built from it),
 * and the event's `metadata.actor` says who made the change.
 */
export const handler = eventHandler(auditedEvents, async ({ detailType, source, detail }) => {
  const { eventId, occurredAt, correlationId, actor } = detail.metadata;
  const recorded = await createOnce(
    auditEventItem({ eventId, source, detailType, occurredAt, correlationId, actor, data: detail.data, recordedAt: new Date().toISOString() }),
  );
  if (!recorded) logger.info('audit event already recorded');
});
