/**
 * The delivery queue's consumer: each message names a delivery and the attempt it is for
 * (WebhookDeliveryScheduled, put on the queue by an EventBridge rule). The attempt is
 * claimed with a conditional write (a duplicate or stale message finds the attempt count
 * moved on and does nothing), signed and POSTed; the outcome is recorded with the next
 * attempt's time from the retry schedule, which the RetryWebhookDeliveries sweep picks up.
 * A merchant endpoint that fails is not a queue failure: only our own errors (the table
 * unreachable) are reported as batch item failures, retried by SQS and then dead-lettered.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { now as clockNow } from '../shared/clock.js';
import { config } from '../shared/config.js';
import { db } from './db.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import type { MerchantWebhookDeliveryItem, WebhookEndpointItem } from './entities.js';
import { enforceUrlSafety, signingSecrets } from './endpoints.js';
import { attemptLeaseMs, isSuccess, nextAttemptAfter, retryScale, shouldDisable } from './policy.js';
import { sendWebhook, type SendOutcome } from './sender.js';
import { WebhookDeliveryScheduled, WebhookEndpointDisabled } from '../../events/schemas/notifications.js';

/** The message body: the EventBridge event the rule put on the queue. */
const parseMessage = (body: string) => {
  const event = JSON.parse(body) as { detail?: unknown };
  return WebhookDeliveryScheduled.schema.parse(event.detail);
};

const claim = async (delivery: MerchantWebhookDeliveryItem, now: Date): Promise<MerchantWebhookDeliveryItem | null> => {
  const claimed = {
    ...delivery,
    attempts: delivery.attempts + 1,
    nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString(),
    lastAttemptAt: now.toISOString(),
    version: delivery.version + 1,
  };
  try {
    await db()
      .entities.merchantWebhookDelivery.patch({ deliveryId: delivery.deliveryId })
      .set({ attempts: claimed.attempts, status: 'pending', bucket: claimed.bucket, nextAttemptAt: claimed.nextAttemptAt, lastAttemptAt: claimed.lastAttemptAt, version: claimed.version })
      .where(({ version }, { eq }) => eq(version, delivery.version))
      .go();
    return claimed;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return null;
    throw error;
  }
};

const record = async (delivery: MerchantWebhookDeliveryItem, outcome: SendOutcome, now: Date): Promise<MerchantWebhookDeliveryItem['status']> => {
  const next = isSuccess(outcome.status)
    ? null
    : outcome.error?.startsWith('endpoint_')
      ? null
      : nextAttemptAfter(delivery.attempts - delivery.retryFrom, now, retryScale(config.stage(), process.env.WEBHOOK_RETRY_SCALE));
  const status = isSuccess(outcome.status) ? 'succeeded' : next ? 'pending' : 'failed';
  const patch = db()
    .entities.merchantWebhookDelivery.patch({ deliveryId: delivery.deliveryId })
    .set({
      status,
      bucket: delivery.bucket,
      nextAttemptAt: (next ?? now).toISOString(),
      version: delivery.version + 1,
      ...(outcome.status === null ? {} : { lastResponseCode: outcome.status }),
    });
  await (outcome.error ? patch.set({ lastError: outcome.error }) : patch.remove(['lastError']))
    .where(({ version }, { eq }) => eq(version, delivery.version))
    .go();
  return status;
};

/** Successes end an endpoint's failure streak; three days of nothing but failures disable it. */
const trackEndpointHealth = async (endpoint: WebhookEndpointItem, outcome: SendOutcome, now: Date, correlationId: string): Promise<void> => {
  const key = { merchantId: endpoint.merchantId, endpointId: endpoint.endpointId };
  const entity = db().entities.webhookEndpoint;
  try {
    if (isSuccess(outcome.status)) {
      if (endpoint.failingSince !== undefined) {
        await entity.patch(key).remove(['failingSince']).where(({ failingSince }, { exists }) => exists(failingSince)).go();
      }
    } else if (endpoint.failingSince === undefined) {
      await entity.patch(key).set({ failingSince: now.toISOString() }).where(({ failingSince }, { notExists }) => notExists(failingSince)).go();
    } else if (endpoint.status === 'enabled' && shouldDisable(endpoint.failingSince, now)) {
      const disabled = outboxEvent(
        WebhookEndpointDisabled,
        { endpointId: endpoint.endpointId, merchantId: endpoint.merchantId, failingSince: endpoint.failingSince, disabledAt: now.toISOString(), lastResponseCode: outcome.status },
        { correlationId, now },
      );
      const result = await db()
        .transaction.write(({ webhookEndpoint, outbox }) => [
          webhookEndpoint
            .patch(key)
            .set({ status: 'disabled', disabledReason: 'failing', updatedAt: now.toISOString(), version: endpoint.version + 1 })
            .where(({ version }, { eq }) => eq(version, endpoint.version))
            .commit(),
          outbox.create(disabled).commit(),
        ])
        .go();
      if (!result.canceled) {
        logger.warn('webhook endpoint disabled after three days of failures', { endpointId: endpoint.endpointId, merchantId: endpoint.merchantId });
        metrics.addMetric('WebhookEndpointsDisabled', MetricUnit.Count, 1);
      }
    }
  } catch (error) {
    // Another attempt updated the streak first: its write stands.
    if (!isConditionalCheckFailure(error)) throw error;
  }
};

/** One attempt of one delivery; resolves to what happened (for logs and tests). */
export const attemptDelivery = async (deliveryId: string, attempt: number, correlationId: string): Promise<'stale' | MerchantWebhookDeliveryItem['status']> => {
  const { data: stored } = await db().entities.merchantWebhookDelivery.get({ deliveryId }).go({ consistent: true });
  if (!stored || stored.status !== 'pending' || stored.attempts !== attempt) return 'stale';
  const now = clockNow();
  const delivery = await claim(stored, now);
  if (!delivery) return 'stale';
  const { data: endpoint } = await db().entities.webhookEndpoint.get({ merchantId: delivery.merchantId, endpointId: delivery.endpointId }).go({ consistent: true });
  if (!endpoint || endpoint.status !== 'enabled') {
    return record(delivery, { status: null, error: endpoint ? 'endpoint_disabled' : 'endpoint_deleted' }, now);
  }
  const outcome = await sendWebhook(
    { url: endpoint.url, id: delivery.deliveryId, body: delivery.payload, secrets: await signingSecrets(endpoint, now), timestamp: new Date() },
    { enforce: enforceUrlSafety() },
  );
  const status = await record(delivery, outcome, clockNow());
  await trackEndpointHealth(endpoint, outcome, clockNow(), correlationId);
  metrics.addMetric(isSuccess(outcome.status) ? 'WebhookDeliveriesSucceeded' : 'WebhookAttemptsFailed', MetricUnit.Count, 1);
  logger.info('webhook attempt', { deliveryId, endpointId: delivery.endpointId, attempt: delivery.attempts, responseCode: outcome.status, error: outcome.error, status });
  return status;
};

export const handler = middy<SQSEvent, SQSBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const results = await Promise.allSettled(
      event.Records.map(async (message) => {
        const { data, metadata } = parseMessage(message.body);
        return attemptDelivery(data.deliveryId, data.attempt, metadata.correlationId);
      }),
    );
    const batchItemFailures = results.flatMap((result, index) => {
      if (result.status === 'fulfilled') return [];
      logger.error('webhook delivery message failed', { messageId: event.Records[index]?.messageId, error: result.reason instanceof Error ? result.reason : String(result.reason) });
      return [{ itemIdentifier: event.Records[index]?.messageId ?? '' }];
    });
    return { batchItemFailures };
  });
