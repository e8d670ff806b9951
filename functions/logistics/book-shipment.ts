import * as z from 'zod/mini';
import { canBookShipment } from '../orders/order.js';
import { orderPath, ownOrder } from '../orders/order-access.js';
import { parcelBookedOnOrder } from '../orders/parcel-port.js';
import { bucketOf } from '../shared/buckets.js';
import { backoff } from '../shared/backoff.js';
import { createItem, outboxItem, transactWrite } from '../shared/db/write.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { outboxEvent } from '../shared/outbox.js';
import { activeShipmentBuckets, shipmentDoneCheck, shipmentItem, trackingClaimPut, type ShipmentFields } from './logistics-items.js';
import { getPartner, partnerCode } from './partners.js';
import { getTrackingClaim } from './shipment-store.js';
import { ShipmentBooked } from '../../events/schemas/logistics.js';

export const bookShipmentBody = z.strictObject({
  partnerCode,
  trackingNumber: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'tracking number: 1-64 letters, digits or hyphens')),
});

export const shipmentView = (s: Pick<ShipmentFields, 'shipmentId' | 'orderId' | 'partnerCode' | 'trackingNumber' | 'status' | 'bookedAt'>) => ({
  id: s.shipmentId,
  orderId: s.orderId,
  partnerCode: s.partnerCode,
  trackingNumber: s.trackingNumber,
  status: s.status,
  bookedAt: s.bookedAt,
});

/** Rounds of a booking against concurrent transactions on the same order before a 503. */
const maxBookingAttempts = 5;


/**
 * POST /v1/orders/{id}/shipments: books a parcel of a paid (or shipping) order. One
 * transaction: the tracking-number claim (free, or held only by a finished parcel: carriers
 * recycle numbers; a number is unique per partner), the shipment's head, the parcel's item
 * under the order's partition, the order checked `paid`/`shipped` with its version bumped
 * (ADD, no read-version condition: two parcels of one order book at once, while the order
 * projection that decides "every parcel delivered" sees the bump and re-reads),
 * ShipmentBooked. DynamoDB's TransactionConflict between concurrent bookings is retried with
 * jittered backoff; if it persists the answer is a retryable 503.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath, body: bookShipmentBody }, async (request) => {
  const merchantId = requireTenant(request);
  const { partnerCode: code, trackingNumber } = request.body;
  const order = await ownOrder(merchantId, request.path.id);
  if (!canBookShipment(order.status)) throw new ProblemError('invalid_state', { params: { state: order.status } });
  const partner = await getPartner(code, { consistent: false });
  if (!partner) throw new ProblemError('validation_failed', { errors: [{ path: 'partnerCode', message: `no logistics partner ${code}` }] });
  const taken = () => new ProblemError('already_exists', { params: { reason: 'tracking_number', trackingNumber, partnerCode: code } });

  const now = new Date();
  const shipmentId = newId('shp');
  const orderId = order.placed.id;
  const shipment: ShipmentFields = {
    shipmentId,
    orderId,
    merchantId,
    partnerCode: code,
    trackingNumber,
    status: 'label_created',
    statusAt: '',
    statusEventId: '',
    flightKey: '',
    recentEventIds: [],
    bookedAt: now.toISOString(),
    lastActivityAt: now.toISOString(),
    terminal: false,
    bucket: bucketOf(shipmentId, activeShipmentBuckets),
    version: 1,
  };
  const booked = outboxEvent(
    ShipmentBooked,
    { shipmentId, orderId, merchantId, partnerCode: code, trackingNumber, bookedAt: shipment.bookedAt },
    { correlationId: request.correlationId, now },
  );
  for (let attempt = 0; attempt < maxBookingAttempts; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    // The number's current holder, if any: it may be taken over only once that parcel is done.
    const claim = await getTrackingClaim(code, trackingNumber, { consistent: true });
    const holder = claim && claim.active ? claim.shipmentId : undefined;
    const result = await transactWrite([
      // The claim is taken only if it is still the one read (or there still is none).
      trackingClaimPut({ partnerCode: code, trackingNumber, shipmentId, orderId, active: true }, claim?.shipmentId),
      createItem(shipmentItem(shipment)),
      ...parcelBookedOnOrder({ orderId, shipmentId, partnerCode: code, trackingNumber, status: shipment.status }),
      outboxItem(booked),
      ...(holder ? [shipmentDoneCheck(holder)] : []),
    ]);
    if (!result.canceled) {
      return { status: 201, body: { shipment: shipmentView(shipment) }, headers: { location: `/v1/orders/${orderId}` } };
    }
    const { codes } = result;
    const [claimCode, , , orderCode, , holderCode] = codes;
    if (holderCode === 'ConditionalCheckFailed') throw taken();
    if (orderCode === 'ConditionalCheckFailed') {
      const now = await ownOrder(merchantId, orderId);
      throw new ProblemError('invalid_state', { params: { state: now.status } });
    }
    // The claim changed since it was read (another booking of the number won, or a parcel finished): look again.
    if (claimCode === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) continue;
    throw new Error(`shipment ${shipmentId} was not written: ${codes.join(', ')}`);
  }
  throw new ProblemError('service_unavailable', { headers: { 'retry-after': '1' } });
});
