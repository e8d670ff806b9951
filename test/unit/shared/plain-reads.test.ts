/**
 * Plain document-client reads and the ElectroDB entities that write the same items must agree:
 * the keys the reads query are the keys the entities write, and every item an entity writes
 * parses with the read side's zod schema. A bad item is a StoredItemError with zod's issues
 * as its cause, never a cast.
 */
import { apiKeyItemKey } from '../../../functions/shared/auth.js';
import { apiKeyEntity } from '../../../functions/shared/db/entities.js';
import { StoredItemError, parseStored } from '../../../functions/shared/db/stored-item.js';
import { orderEntity, orderRefundEntity, orderShipmentEntity, productEntity } from '../../../functions/orders/entities.js';
import { productKey, productRecord } from '../../../functions/orders/product-read.js';
import { merchantOrdersPartition, orderPartition, orderRecord, orderRefundRecord, orderShipmentRecord, toOrderState } from '../../../functions/orders/order-read.js';
import type { PlacedOrder } from '../../../functions/orders/order.js';
import { shipmentEntity, shipmentEventEntity } from '../../../functions/logistics/entities.js';
import { shipmentHeadRecord, shipmentPartition, storedTimelineEvent, trackingNumberPartition } from '../../../functions/logistics/shipment-read.js';

const table = { table: 'T' };
const written = (params: unknown): Record<string, unknown> => (params as { Item: Record<string, unknown> }).Item;

const placed: PlacedOrder = {
  id: 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
  merchantId: 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E',
  market: 'US',
  currency: 'USD',
  buyer: { name: 'Ada Buyer', email: 'ada@example.com', address: { line1: '1 Market St', city: 'San Francisco', country: 'US' } },
  items: [{ sku: 'TEA-1', title: { en: 'Longjing tea' }, quantity: 2, unitPrice: { amount: 9900, currency: 'CNY' }, hsCode: '090210', originCountry: 'CN', weightGrams: 250 }],
  totals: { merchandise: { amount: 2770, currency: 'USD' }, shipping: { amount: 1500, currency: 'USD' }, duties: { amount: 0, currency: 'USD' }, total: { amount: 4270, currency: 'USD' } },
  settlement: { merchandise: { amount: 19800, currency: 'CNY' }, shipping: { amount: 10725, currency: 'CNY' }, fxRate: '7.1500' },
  customs: { exportMode: '9610', chargeableWeightGrams: 500, items: [{ sku: 'TEA-1', hsCode: '090210', originCountry: 'CN', quantity: 2, declaredValue: { amount: 19800, currency: 'CNY' }, dutyRateBps: 0 }] },
  payment: { provider: 'stripe', paymentIntentId: 'pi_123', clientSecret: 'pi_123_secret_x' },
  attribution: { creatorId: 'cre_1' },
  createdAt: '2026-11-20T08:15:30.000Z',
  takeRateBps: 500,
};

const orderItem = {
  orderId: placed.id,
  merchantId: placed.merchantId,
  shard: 2,
  status: 'paid' as const,
  createdAt: placed.createdAt,
  updatedAt: placed.createdAt,
  paymentIntentId: 'pi_123',
  paidAmount: 4270,
  refundedAmount: 0,
  document: placed,
  paidAt: placed.createdAt,
  version: 3,
};

describe('plain reads agree with the entities that write', () => {
  it('uses the keys the entities write', () => {
    expect(apiKeyEntity.get({ keyHash: 'abc' }).params(table)).toMatchObject({ Key: apiKeyItemKey('abc') });
    expect(orderEntity.get({ orderId: placed.id }).params(table)).toMatchObject({ Key: { pk: orderPartition(placed.id) } });
    expect(orderEntity.query.byMerchant({ merchantId: 'mer_1', shard: 3 }).params(table)).toMatchObject({ IndexName: 'gsi1', ExpressionAttributeValues: { ':pk': merchantOrdersPartition('mer_1', 3) } });
    expect(orderEntity.query.byMerchantStatus({ merchantId: 'mer_1', status: 'paid', shard: 0 }).params(table)).toMatchObject({
      IndexName: 'gsi2',
      ExpressionAttributeValues: { ':pk': merchantOrdersPartition('mer_1', 0, 'paid') },
    });
    expect(written(orderShipmentEntity.put({ orderId: placed.id, shipmentId: 'shp_1', partnerCode: 'SF', trackingNumber: 'SF1', status: 'booked', statusAt: '' }).params(table))).toMatchObject({
      pk: orderPartition(placed.id),
      __edb_e__: 'orderShipment',
    });
    const head = { shipmentId: 'shp_1', orderId: placed.id, merchantId: placed.merchantId, partnerCode: 'SF', trackingNumber: 'SF1', status: 'booked', bookedAt: placed.createdAt, lastActivityAt: placed.createdAt, terminal: false, bucket: 1, version: 1 };
    expect(written(shipmentEntity.put(head).params(table))).toMatchObject({ pk: shipmentPartition('shp_1'), gsi1pk: trackingNumberPartition('SF1'), __edb_e__: 'shipment' });
    expect(written(shipmentEventEntity.put({ shipmentId: 'shp_1', eventId: 'e1', status: 'picked_up', occurredAt: placed.createdAt, receivedAt: placed.createdAt }).params(table))).toMatchObject({
      pk: shipmentPartition('shp_1'),
      sk: 'EVENT#e1',
      __edb_e__: 'shipmentEvent',
    });
  });

  it('reads products where and as the catalogue writes them', () => {
    const product = { merchantId: 'mer_1', sku: 'TEA-1', title: { en: 'Longjing tea', zh: '龙井茶' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', priceFen: 9900, weightGrams: 250, createdAt: placed.createdAt, updatedAt: placed.createdAt };
    expect(productEntity.get({ merchantId: 'mer_1', sku: 'TEA-1' }).params(table)).toMatchObject({ Key: productKey('mer_1', 'TEA-1') });
    expect(productEntity.query.bySku({ merchantId: 'mer_1' }).params(table)).toMatchObject({ ExpressionAttributeValues: { ':pk': productKey('mer_1', '').pk, ':sk1': productKey('mer_1', '').sk } });
    expect(parseStored(productRecord, written(productEntity.put(product).params(table)), 'product')).toEqual(product);
  });

  it('parses every item the entities write, into the order state GET order shows', () => {
    const order = parseStored(orderRecord, written(orderEntity.create(orderItem).params(table)), 'order');
    const parcel = parseStored(orderShipmentRecord, written(orderShipmentEntity.put({ orderId: placed.id, shipmentId: 'shp_1', partnerCode: 'SF', trackingNumber: 'SF1', status: 'in_transit', statusAt: placed.createdAt }).params(table)), 'parcel');
    const refund = parseStored(
      orderRefundRecord,
      written(orderRefundEntity.create({ orderId: placed.id, refundId: 'ref_1', amount: { amount: 100, currency: 'USD' }, reason: 'damaged', source: 'api', createdAt: placed.createdAt }).params(table)),
      'refund',
    );
    const state = toOrderState(order, [parcel], [refund]);
    expect(state.placed).toEqual(placed);
    expect(state).toMatchObject({ status: 'paid', version: 3, shard: 2, paidAmount: 4270 });
    expect(state.shipments).toEqual([{ id: 'shp_1', partnerCode: 'SF', trackingNumber: 'SF1', status: 'in_transit', statusAt: placed.createdAt }]);
    expect(state.refunds).toEqual([{ id: 'ref_1', amount: { amount: 100, currency: 'USD' }, reason: 'damaged', source: 'api', stripeRefundId: null, createdAt: placed.createdAt }]);
  });

  it('parses parcel heads and their events, legacy timelines included', () => {
    const event = { eventId: 'e1', status: 'departed' as const, occurredAt: placed.createdAt, flight: { number: 'CX880', origin: 'HKG', destination: 'LAX' } };
    const head = { shipmentId: 'shp_1', orderId: placed.id, merchantId: placed.merchantId, partnerCode: 'SF', trackingNumber: 'SF1', status: 'departed', bookedAt: placed.createdAt, lastActivityAt: placed.createdAt, terminal: false, bucket: 1, version: 1, currentFlight: event.flight, timeline: [event] };
    expect(parseStored(shipmentHeadRecord, written(shipmentEntity.put(head).params(table)), 'head')).toMatchObject({ currentFlight: event.flight, timeline: [event] });
    expect(parseStored(storedTimelineEvent, written(shipmentEventEntity.put({ ...event, shipmentId: 'shp_1', receivedAt: placed.createdAt }).params(table)), 'event')).toEqual(event);
  });

  it('refuses an item that is not what was written, naming it, with the zod issues as the cause', () => {
    const bad = written(orderEntity.create({ ...orderItem, document: { ...placed, totals: { merchandise: { amount: '27.70' } } } }).params(table));
    let thrown: unknown;
    try {
      parseStored(orderRecord, bad, 'order item ORDER#x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoredItemError);
    expect((thrown as Error).message).toBe('order item ORDER#x is not valid as stored');
    expect(JSON.stringify((thrown as Error).cause)).toContain('totals');
    expect(() => parseStored(storedTimelineEvent, { eventId: 'e1', status: 'teleported', occurredAt: placed.createdAt }, 'event')).toThrow(StoredItemError);
  });
});
