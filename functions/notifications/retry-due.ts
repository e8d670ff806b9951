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
import { db } from './db.js';
import { logger } from '../shared/observability.js';
import { scheduledEvent } from './deliveries.js';
import { dueBuckets, type MerchantWebhookDeliveryItem } from './entities.js';
import { attemptLeaseMs } from './policy.js';

/** Per bucket and run: a backlog is worked off over several runs rather than in one long one. */
const perBucket = 100;

const reschedule = async (delivery: MerchantWebhookDeliveryItem, now: Date): Promise<boolean> => {
  const result = await db()
    .transaction.write(({ merchantWebhookDelivery, outbox }) => [
      merchantWebhookDelivery
        .patch({ deliveryId: delivery.deliveryId })
        .set({ status: 'pending', bucket: delivery.bucket, nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString(), version: delivery.version + 1 })
        .where(({ version, status }, { eq }) => `${eq(version, delivery.version)} AND ${eq(status, 'pending')}`)
        .commit(),
      outbox.create(scheduledEvent(delivery, `retry-${delivery.deliveryId}-${delivery.attempts}`, now)).commit(),
    ])
    .go();
  return !result.canceled;
};

export const sweepDueDeliveries = async (now: Date): Promise<number> => {
  let scheduledCount = 0;
  for (let bucket = 0; bucket < dueBuckets; bucket += 1) {
    const { data } = await db()
      .entities.merchantWebhookDelivery.query.due({ bucket })
      .lte({ nextAttemptAt: now.toISOString() })
      .go({ limit: perBucket });
    for (const delivery of data) if (await reschedule(delivery, now)) scheduledCount += 1;
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
