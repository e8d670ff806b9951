import { db } from './db.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { eventHandler } from '../shared/event-handler.js';
import { logger } from '../shared/observability.js';
import { auditedEvents } from './audited-events.js';

/**
 * Records changes in the audit trail, once per eventId (redelivery is a no-op). Generic:
 * audited-events.ts lists what reaches it (the manifest's audit rule is built from it),
 * and the event's `metadata.actor` says who made the change.
 */
export const handler = eventHandler(auditedEvents, async ({ detailType, source, detail }) => {
  const { eventId, occurredAt, correlationId, actor } = detail.metadata;
  try {
    await db()
      .entities.auditEvent.create({
        eventId,
        source,
        detailType,
        occurredAt,
        correlationId,
        ...(actor ? { actor } : {}),
        data: detail.data,
        recordedAt: new Date().toISOString(),
      })
      .go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    logger.info('audit event already recorded');
  }
});
