import * as z from 'zod';
import { now as clockNow } from '../shared/clock.js';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { deliveryView, scheduledEvent } from './deliveries.js';
import { attemptLeaseMs } from './policy.js';

export const deliveryPath = z.object({ id: z.string().regex(/^msg_[0-9a-f]{32}$/, 'a delivery id') });

/**
 * POST /v1/webhook-deliveries/{id}/retry: sends a delivery again now, whatever its state,
 * with a fresh retry window (same `webhook-id`: receivers that saw it already dedupe it).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: deliveryPath }, async (request) => {
  const merchantId = requireTenant(request);
  const { data: delivery } = await db().entities.merchantWebhookDelivery.get({ deliveryId: request.path.id }).go({ consistent: true });
  if (!delivery || delivery.merchantId !== merchantId) throw new ProblemError('not_found');
  const now = clockNow();
  const retried = {
    ...delivery,
    status: 'pending' as const,
    retryFrom: delivery.attempts,
    windowStartedAt: now.toISOString(),
    nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString(),
    version: delivery.version + 1,
  };
  const result = await db()
    .transaction.write(({ merchantWebhookDelivery, outbox }) => [
      merchantWebhookDelivery
        .patch({ deliveryId: delivery.deliveryId })
        .set({ status: retried.status, bucket: retried.bucket, retryFrom: retried.retryFrom, windowStartedAt: retried.windowStartedAt, nextAttemptAt: retried.nextAttemptAt, version: retried.version })
        .where(({ version }, { eq }) => eq(version, delivery.version))
        .commit(),
      outbox.create(scheduledEvent(retried, request.correlationId, now)).commit(),
    ])
    .go();
  if (result.canceled) throw new ProblemError('idempotency_in_progress');
  return { status: 202, body: { delivery: deliveryView(retried) } };
});
