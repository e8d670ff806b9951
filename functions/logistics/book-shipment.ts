import * as z from 'zod';
import { canBookShipment, type OrderShipment } from '../orders/order.js';
import { orderPath, ownOrder } from '../orders/order-access.js';
import { orderChangeItem } from '../orders/order-store.js';
import { bucketOf } from '../shared/buckets.js';
import { db } from '../shared/db/service.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { outboxEvent } from '../shared/outbox.js';
import { activeShipmentBuckets, type ShipmentItem } from './entities.js';
import { partnerCode } from './partners.js';
import { ShipmentBooked } from '../../events/schemas/logistics.js';

export const bookShipmentBody = z.strictObject({
  partnerCode,
  trackingNumber: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'tracking number: 1-64 letters, digits or hyphens'),
});

export const shipmentView = (s: Pick<ShipmentItem, 'shipmentId' | 'orderId' | 'partnerCode' | 'trackingNumber' | 'status' | 'bookedAt'>) => ({
  id: s.shipmentId,
  orderId: s.orderId,
  partnerCode: s.partnerCode,
  trackingNumber: s.trackingNumber,
  status: s.status,
  bookedAt: s.bookedAt,
});

/**
 * POST /v1/orders/{id}/shipments: books a parcel of a paid (or shipping) order. One
 * transaction: the tracking-number claim (free, or held only by a finished parcel: carriers
 * recycle numbers), the shipment, the order's parcel list (optimistic lock), ShipmentBooked.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath, body: bookShipmentBody }, async (request) => {
  const merchantId = requireTenant(request);
  const { partnerCode: code, trackingNumber } = request.body;
  const order = await ownOrder(merchantId, request.path.id);
  if (!canBookShipment(order.status)) throw new ProblemError('invalid_state', { params: { state: order.status } });
  const { data: partner } = await db().entities.partner.get({ code }).go();
  if (!partner) throw new ProblemError('validation_failed', { errors: [{ path: 'partnerCode', message: `no logistics partner ${code}` }] });

  const now = new Date();
  const shipmentId = newId('shp');
  const shipment: ShipmentItem = {
    shipmentId,
    orderId: order.placed.id,
    merchantId,
    partnerCode: code,
    trackingNumber,
    status: 'label_created',
    timeline: [],
    bookedAt: now.toISOString(),
    lastActivityAt: now.toISOString(),
    terminal: false,
    bucket: bucketOf(shipmentId, activeShipmentBuckets),
    version: 1,
  };
  // No news yet: any partner event, even one from before the booking, is newer than ''.
  const summary: OrderShipment = { id: shipmentId, partnerCode: code, trackingNumber, status: shipment.status, statusAt: '' };
  const booked = outboxEvent(
    ShipmentBooked,
    { shipmentId, orderId: order.placed.id, merchantId, partnerCode: code, trackingNumber, bookedAt: shipment.bookedAt },
    { correlationId: request.correlationId, now },
  );
  const result = await db()
    .transaction.write((entities) => [
      entities.trackingClaim
        .put({ partnerCode: code, trackingNumber, shipmentId, orderId: order.placed.id, active: true })
        .where((attr, op) => `${op.notExists(attr.shipmentId)} OR ${op.eq(attr.active, false)}`)
        .commit(),
      entities.shipment.create(shipment).commit(),
      orderChangeItem(entities, order, { shipments: [...(order.shipments ?? []), summary] }, now),
      entities.outbox.create(booked).commit(),
    ])
    .go();
  if (result.canceled) {
    const [claim, , orderWrite] = result.data;
    if (claim?.code === 'ConditionalCheckFailed') {
      throw new ProblemError('already_exists', { params: { what: `Tracking number ${trackingNumber} of ${code} on an active shipment` } });
    }
    if (orderWrite?.code === 'ConditionalCheckFailed') throw new ProblemError('idempotency_in_progress');
    throw new Error(`shipment ${shipmentId} was not written: ${result.data.map((d) => d.code).join(', ')}`);
  }
  return { status: 201, body: { shipment: shipmentView(shipment) }, headers: { location: `/v1/orders/${order.placed.id}` } };
});
