import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { entityAttribute } from '../shared/contracts.js';
import { eventBridge } from '../shared/clients/eventbridge.js';
import { config } from '../shared/config.js';
import { logger, metrics } from '../shared/observability.js';
import { relay, type RelayItem } from './relay.js';

const isOutboxInsert = (record: DynamoDBRecord): boolean =>
  record.eventName === 'INSERT' && record.dynamodb?.NewImage?.[entityAttribute]?.S === 'outbox';

const toRelayItem = (record: DynamoDBRecord, eventBusName: string): RelayItem | undefined => {
  const id = record.dynamodb?.SequenceNumber;
  const image = record.dynamodb?.NewImage;
  if (!id || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  return {
    id,
    entry: {
      EventBusName: eventBusName,
      Source: String(item.source),
      DetailType: String(item.detailType),
      Detail: String(item.detail),
      Time: new Date(String(item.occurredAt)),
    },
  };
};

/**
 * Relayed events per detail-type: the dashboard's order funnel (lib/monitoring). One EMF
 * line per detail-type (`singleMetric`), so `detailType` joins only these, never the
 * handler's other metrics: dimensions `service` + `detailType`, metric `EventsRelayed`.
 */
const countRelayedByDetailType = (items: readonly RelayItem[], failed: readonly RelayItem[]): void => {
  const failedIds = new Set(failed.map((item) => item.id));
  const counts = new Map<string, number>();
  for (const item of items) {
    if (failedIds.has(item.id)) continue;
    const detailType = String(item.entry.DetailType);
    counts.set(detailType, (counts.get(detailType) ?? 0) + 1);
  }
  for (const [detailType, count] of counts) {
    const single = metrics.singleMetric();
    single.addDimension('detailType', detailType);
    single.addMetric('EventsRelayed', MetricUnit.Count, count);
  }
};

/** Table stream -> EventBridge. Reports the records whose events could not be put, so only they are retried. */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const eventBusName = config.eventBusName();
    const items = event.Records.filter(isOutboxInsert)
      .map((r) => toRelayItem(r, eventBusName))
      .filter((i): i is RelayItem => i !== undefined);
    const outcome = await relay(items, (entries) => eventBridge.send(new PutEventsCommand({ Entries: entries })));
    metrics.addMetric('EventsRelayed', MetricUnit.Count, outcome.published);
    metrics.addMetric('PutEventsFailedEntries', MetricUnit.Count, outcome.failedAttempts);
    countRelayedByDetailType(items, outcome.failed);
    if (outcome.failed.length > 0) {
      logger.warn('events not relayed; the stream will retry them', { failed: outcome.failed.map((f) => f.id) });
    }
    return { batchItemFailures: outcome.failed.map((f) => ({ itemIdentifier: f.id })) };
  });
