/**
 * The adapter for EventBridge consumers: validates `detail` against the catalogue's
 * contract (a bad event throws, so it is retried and then dead-lettered, never
 * silently dropped), puts the event's correlation ID on every log line, and hands the
 * typed detail to the handler. Consumers must be idempotent: delivery is at least once.
 */
// A broken contract is logged with zod's English messages (zod/mini loads no locale).
import './zod-english.js';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { DetailOf, EventContract } from '../../events/define.js';
import type { EventMetadata } from '../../events/envelope.js';
import { logger, metrics } from './observability.js';

export interface DeliveredEvent<E extends EventContract> {
  readonly detailType: E['detailType'];
  readonly source: string;
  readonly detail: DetailOf<E> & { metadata: EventMetadata };
}

export class UnexpectedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedEventError';
  }
}

/** A consumer states the contracts it accepts; its bundle carries those schemas only. */
export const eventHandler = <E extends EventContract>(
  accepts: readonly E[],
  fn: (event: DeliveredEvent<E>) => Promise<void>,
) =>
  middy<EventBridgeEvent<string, unknown>, void, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const detailType = event['detail-type'];
      const contract = accepts.find((c) => c.detailType === detailType);
      if (!contract) {
        metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
        throw new UnexpectedEventError(`unexpected detail-type ${detailType}`);
      }
      const parsed = contract.schema.safeParse(event.detail);
      if (!parsed.success) {
        metrics.addMetric('EventsRejected', MetricUnit.Count, 1);
        throw new UnexpectedEventError(`${detailType} breaks its contract: ${parsed.error.message}`);
      }
      const detail = parsed.data as DetailOf<E> & { metadata: EventMetadata };
      logger.appendKeys({ correlationId: detail.metadata.correlationId, eventId: detail.metadata.eventId, detailType });
      try {
        await fn({ detailType, source: event.source, detail });
        metrics.addMetric('EventsConsumed', MetricUnit.Count, 1);
      } catch (error) {
        metrics.addMetric('EventsFailed', MetricUnit.Count, 1);
        throw error;
      }
    });
