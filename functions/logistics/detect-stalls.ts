import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { db } from './db.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import { activeShipmentBuckets } from './entities.js';
import { ShipmentStalled } from '../../events/schemas/logistics.js';

/** No event for this long while not delivered or returned: stalled (DOMAIN.md). */
export const stallAfterHours = 72;

/**
 * The hourly stall detector: queries the sparse index of non-terminal shipments (one
 * Query per bucket, no Scan) for those quiet for 72 hours, and reports each stall once
 * (the shipment remembers the activity time it was reported for).
 */
export const detectStalls = async (now: Date): Promise<{ stalled: number }> => {
  const cutoff = new Date(now.getTime() - stallAfterHours * 3600_000).toISOString();
  const { entities } = db();
  let stalled = 0;
  for (let bucket = 0; bucket < activeShipmentBuckets; bucket += 1) {
    let cursor: string | null = null;
    do {
      const page: { data: Array<{ shipmentId: string; stalledAt?: string | undefined; lastActivityAt: string }>; cursor: string | null } = await entities.shipment.query
        .active({ bucket })
        .lt({ lastActivityAt: cutoff })
        .go({ cursor, limit: 100 });
      for (const hit of page.data) {
        if (hit.stalledAt === hit.lastActivityAt) continue;
        const { data: shipment } = await entities.shipment.get({ shipmentId: hit.shipmentId }).go({ consistent: true });
        if (!shipment || shipment.terminal || shipment.stalledAt === shipment.lastActivityAt || shipment.lastActivityAt >= cutoff) continue;
        const event = outboxEvent(
          ShipmentStalled,
          {
            shipmentId: shipment.shipmentId,
            orderId: shipment.orderId,
            partnerCode: shipment.partnerCode,
            trackingNumber: shipment.trackingNumber,
            status: shipment.status,
            lastActivityAt: shipment.lastActivityAt,
            detectedAt: now.toISOString(),
          },
          { correlationId: `stall-check-${now.toISOString()}`, now },
        );
        const result = await db()
          .transaction.write((tx) => [
            tx.shipment
              .patch({ shipmentId: shipment.shipmentId })
              .set({ stalledAt: shipment.lastActivityAt, version: shipment.version + 1 })
              .where(({ version }, { eq }) => eq(version, shipment.version))
              .commit(),
            tx.outbox.create(event).commit(),
          ])
          .go();
        if (!result.canceled) stalled += 1;
      }
      cursor = page.cursor;
    } while (cursor);
  }
  return { stalled };
};

/** Scheduled (hourly on AWS, on demand locally): the schedule's input is ignored. */
export const handler = middy<unknown, { stalled: number }, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async () => {
    const result = await detectStalls(new Date());
    metrics.addMetric('ShipmentsStalled', MetricUnit.Count, result.stalled);
    logger.info('stall check done', result);
    return result;
  });
