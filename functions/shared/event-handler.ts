/**
 * The adapter for EventBridge consumers: validates `detail` against the catalogue's
 * contract (a bad event throws, so it is retried and then dead-lettered, never
 * silently dropped), puts the event's correlation ID on every log line, and hands the
 * typed detail to the handler. Consumers must be idempotent: delivery is at least once.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { eventCatalogue, type DetailType, type EventDetailOf } from '../../events/catalogue.js';
import { logger, metrics } from './observability.js';

export interface DeliveredEvent<T extends DetailType> {
  readonly detailType: T;
  readonly source: string;
  readonly detail: EventDetailOf<T>;
}

export class UnexpectedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedEventError';
  }
}

const isOneOf = <T extends string>(value: string, options: readonly T[]): value is T => (options as readonly string[]).includes(value);

export const eventHandler = <T extends DetailType>(
  accepts: readonly T[],
  fn: (event: DeliveredEvent<T>) => Promise<void>,
) =>
  middy<EventBridgeEvent<string, unknown>, void, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const detailType = event['detail-type'];
      if (!isOneOf(detailType, accepts)) {
        metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
        throw new UnexpectedEventError(`unexpected detail-type ${detailType}`);
      }
      const parsed = eventCatalogue[detailType].schema.safeParse(event.detail);
      if (!parsed.success) {
        metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
        throw new UnexpectedEventError(`${detailType} breaks its contract: ${parsed.error.message}`);
      }
      const detail = parsed.data as EventDetailOf<T>;
      logger.appendKeys({ correlationId: detail.metadata.correlationId, eventId: detail.metadata.eventId, detailType });
      try {
        await fn({ detailType, source: event.source, detail });
        metrics.addMetric('EventsConsumed', MetricUnit.Count, 1);
      } catch (error) {
        metrics.addMetric('EventsFailed', MetricUnit.Count, 1);
        throw error;
      }
    });
