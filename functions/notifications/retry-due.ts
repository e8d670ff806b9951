/**
 * Schedule RetryWebhookDeliveries: every minute, deliveries whose next attempt is due (the
 * sparse due index, `dueBuckets` Queries) are put back on the delivery queue through the
 * outbox. Each is pushed a lease ahead in the same transaction, so the next sweep does not
 * schedule it again while its attempt runs; a dispatcher that crashed mid-attempt is
 * covered by the lease running out.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { now as clockNow } from '../shared/clock.js';
import { outboxItem, transactWrite } from '../shared/db/write.js';
import { logger } from '../shared/observability.js';
import { scheduledEvent } from './deliveries.js';
import { dueDeliveries } from './delivery-read.js';
import { attemptLeaseMs, dueBuckets } from './policy.js';
import { deliveryUpdate, type WebhookDeliveryRecord } from './webhook-items.js';

/** Per bucket and run: a backlog is worked off over several runs rather than in one long one. */
const perBucket = 100;

const reschedule = async (delivery: WebhookDeliveryRecord, now: Date): Promise<boolean> => {
  const result = await transactWrite([
    deliveryUpdate(
      delivery,
      { status: 'pending', bucket: delivery.bucket, nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString() },
      {},
      { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': 'pending' } },
    ),
    outboxItem(scheduledEvent(delivery, `retry-${delivery.deliveryId}-${delivery.attempts}`, now)),
  ]);
  return !result.canceled;
};

export const sweepDueDeliveries = async (now: Date): Promise<number> => {
  let scheduledCount = 0;
  for (let bucket = 0; bucket < dueBuckets; bucket += 1) {
    for (const delivery of await dueDeliveries(bucket, now, perBucket)) if (await reschedule(delivery, now)) scheduledCount += 1;
  }
  return scheduledCount;
};

export const handler = middy<unknown, { scheduled: number }, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const scheduled = await sweepDueDeliveries(clockNow());
    if (scheduled > 0) logger.info('webhook retries scheduled', { scheduled });
    return { scheduled };
  });
