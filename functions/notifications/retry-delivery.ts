import * as z from 'zod/mini';
import { now as clockNow } from '../shared/clock.js';
import { outboxItem, transactWrite } from '../shared/db/write.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { deliveryView, scheduledEvent } from './deliveries.js';
import { readDelivery } from './delivery-read.js';
import { attemptLeaseMs } from './policy.js';
import { deliveryUpdate } from './webhook-items.js';

export const deliveryPath = z.object({ id: z.string().check(z.regex(/^msg_[0-9a-f]{32}$/, 'a delivery id')) });

/**
 * POST /v1/webhook-deliveries/{id}/retry: sends a delivery again now, whatever its state,
 * with a fresh retry window (same `webhook-id`: receivers that saw it already dedupe it).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: deliveryPath }, async (request) => {
  const merchantId = requireTenant(request);
  const delivery = await readDelivery(request.path.id);
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
  const result = await transactWrite([
    deliveryUpdate(
      delivery,
      { status: retried.status, bucket: retried.bucket, nextAttemptAt: retried.nextAttemptAt },
      { set: { retryFrom: retried.retryFrom, windowStartedAt: retried.windowStartedAt } },
    ),
    outboxItem(scheduledEvent(retried, request.correlationId, now)),
  ]);
  if (result.canceled) throw new ProblemError('idempotency_in_progress');
  return { status: 202, body: { delivery: deliveryView(retried) } };
});
