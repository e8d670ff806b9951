import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { atVersion, outboxItem, patchItem, transactWrite, type TransactItem } from '../shared/db/write.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import { activeShipmentBuckets, shipmentKey, type ShipmentRecord } from './logistics-items.js';
import { getShipment, quietActiveShipments } from './shipment-store.js';
import { ShipmentStalled } from '../../events/schemas/logistics.js';

/** No event for this long while not delivered or returned: stalled (DOMAIN.md). */
export const stallAfterHours = 72;

/** The stall remembered on the shipment, if it is still at the version read (as the `shipment` entity's patch did). */
export const stallMarked = (shipment: Pick<ShipmentRecord, 'shipmentId' | 'lastActivityAt' | 'version'>): TransactItem =>
  patchItem(
    shipmentKey(shipment.shipmentId),
    'shipment',
    { set: { stalledAt: shipment.lastActivityAt, version: shipment.version + 1, shipmentId: shipment.shipmentId } },
    atVersion(shipment.version),
  );

/**
 * The hourly stall detector: queries the sparse index of non-terminal shipments (one
 * Query per bucket, no Scan) for those quiet for 72 hours, and reports each stall once
 * (the shipment remembers the activity time it was reported for).
 */
export const detectStalls = async (now: Date): Promise<{ stalled: number }> => {
  const cutoff = new Date(now.getTime() - stallAfterHours * 3600_000).toISOString();
  let stalled = 0;
  for (let bucket = 0; bucket < activeShipmentBuckets; bucket += 1) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await quietActiveShipments(bucket, cutoff, 100, start);
      for (const hit of page.shipments) {
        if (hit.stalledAt === hit.lastActivityAt) continue;
        // The index is eventually consistent: decide on the head itself.
        const shipment = await getShipment(hit.shipmentId, { consistent: true });
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
        const outcome = await transactWrite([stallMarked(shipment), outboxItem(event)]);
        if (!outcome.canceled) stalled += 1;
      }
      start = page.next;
    } while (start);
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
