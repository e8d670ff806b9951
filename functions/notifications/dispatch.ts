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
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { now as clockNow } from '../shared/clock.js';
import { config } from '../shared/config.js';
import { documentClient } from '../shared/clients/dynamodb.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { outboxItem, transactWrite, type TransactItem } from '../shared/db/write.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import { readDelivery } from './delivery-read.js';
import { readEndpoint } from './endpoint-read.js';
import { enforceUrlSafety, signingSecrets } from './endpoints.js';
import { attemptLeaseMs, isSuccess, nextAttemptAfter, retryScale, shouldDisable } from './policy.js';
import { sendWebhook, type SendOutcome } from './sender.js';
import { WebhookDeliveryScheduled, WebhookEndpointDisabled } from '../../events/schemas/notifications.js';
import {
  deliveryUpdate,
  endpointDisabled,
  failureStreakEnded,
  failureStreakStarted,
  type DeliveryStatus,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
} from './webhook-items.js';

/** The message body: the EventBridge event the rule put on the queue. */
const parseMessage = (body: string) => {
  const event = JSON.parse(body) as { detail?: unknown };
  return WebhookDeliveryScheduled.schema.parse(event.detail);
};

/** One conditional update outside a transaction (a failed condition throws). */
const update = async (item: TransactItem): Promise<void> => {
  if (!item.Update) throw new Error('not an update');
  await documentClient.send(new UpdateCommand(item.Update));
};

/** One conditional update outside a transaction: false when its condition did not hold. */
const updateIfHolds = async (item: TransactItem): Promise<boolean> => {
  try {
    await update(item);
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
};

const claim = async (delivery: WebhookDeliveryRecord, now: Date): Promise<WebhookDeliveryRecord | null> => {
  const claimed = {
    ...delivery,
    attempts: delivery.attempts + 1,
    nextAttemptAt: new Date(now.getTime() + attemptLeaseMs).toISOString(),
    lastAttemptAt: now.toISOString(),
    version: delivery.version + 1,
  };
  const written = await updateIfHolds(
    deliveryUpdate(delivery, { status: 'pending', bucket: claimed.bucket, nextAttemptAt: claimed.nextAttemptAt }, { set: { attempts: claimed.attempts, lastAttemptAt: claimed.lastAttemptAt } }),
  );
  return written ? claimed : null;
};

const record = async (delivery: WebhookDeliveryRecord, outcome: SendOutcome, now: Date): Promise<DeliveryStatus> => {
  const next = isSuccess(outcome.status)
    ? null
    : outcome.error?.startsWith('endpoint_')
      ? null
      : nextAttemptAfter(delivery.attempts - delivery.retryFrom, now, retryScale(config.stage(), process.env.WEBHOOK_RETRY_SCALE));
  const status = isSuccess(outcome.status) ? 'succeeded' : next ? 'pending' : 'failed';
  await update(
    deliveryUpdate(
      delivery,
      { status, bucket: delivery.bucket, nextAttemptAt: (next ?? now).toISOString() },
      {
        set: { ...(outcome.status === null ? {} : { lastResponseCode: outcome.status }), ...(outcome.error ? { lastError: outcome.error } : {}) },
        remove: outcome.error ? [] : ['lastError'],
      },
    ),
  );
  return status;
};

/** Successes end an endpoint's failure streak; three days of nothing but failures disable it. */
const trackEndpointHealth = async (endpoint: WebhookEndpointRecord, outcome: SendOutcome, now: Date, correlationId: string): Promise<void> => {
  const key = { merchantId: endpoint.merchantId, endpointId: endpoint.endpointId };
  try {
    if (isSuccess(outcome.status)) {
      if (endpoint.failingSince !== undefined) await update(failureStreakEnded(key));
    } else if (endpoint.failingSince === undefined) {
      await update(failureStreakStarted(key, now.toISOString()));
    } else if (endpoint.status === 'enabled' && shouldDisable(endpoint.failingSince, now)) {
      const disabled = outboxEvent(
        WebhookEndpointDisabled,
        { endpointId: endpoint.endpointId, merchantId: endpoint.merchantId, failingSince: endpoint.failingSince, disabledAt: now.toISOString(), lastResponseCode: outcome.status },
        { correlationId, now },
      );
      const result = await transactWrite([endpointDisabled(endpoint, now), outboxItem(disabled)]);
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
export const attemptDelivery = async (deliveryId: string, attempt: number, correlationId: string): Promise<'stale' | DeliveryStatus> => {
  const stored = await readDelivery(deliveryId);
  if (!stored || stored.status !== 'pending' || stored.attempts !== attempt) return 'stale';
  const now = clockNow();
  const delivery = await claim(stored, now);
  if (!delivery) return 'stale';
  const endpoint = await readEndpoint(delivery.merchantId, delivery.endpointId);
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
