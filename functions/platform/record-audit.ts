import { db } from '../shared/db/service.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { eventHandler } from '../shared/event-handler.js';
import { logger } from '../shared/observability.js';
import { LogisticsPartnerRegistered } from '../../events/schemas/logistics.js';
import { MerchantEnrolled } from '../../events/schemas/orders.js';
import { ApiKeyCreated } from '../../events/schemas/platform.js';

/** Records platform events in the audit trail, once per eventId (redelivery is a no-op). */
export const handler = eventHandler([ApiKeyCreated, MerchantEnrolled, LogisticsPartnerRegistered], async ({ detailType, source, detail }) => {
  try {
    await db()
      .entities.auditEvent.create({
        eventId: detail.metadata.eventId,
        source,
        detailType,
        occurredAt: detail.metadata.occurredAt,
        correlationId: detail.metadata.correlationId,
        data: detail.data,
        recordedAt: new Date().toISOString(),
      })
      .go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
    logger.info('audit event already recorded');
  }
});
