/**
 * The orders context writes with the document client (decision 0046): every item it creates,
 * and every update it makes, is what the ElectroDB entity that defines the item would write,
 * so items written before and after the move read the same.
 */
import { idempotencyEntity, orderEntity, orderRefundEntity, orderShipmentEntity, stripeEventEntity } from '../../../functions/orders/entities.js';
import { idempotencyItem, orderItem, parcelItem, refundItem, stripeEventItem } from '../../../functions/orders/order-items.js';
import { orderChangeItem } from '../../../functions/orders/order-store.js';
import { unmatchedEventItem } from '../../../functions/payments/unmatched-store.js';
import { outboxEntity } from '../../../functions/shared/db/entities.js';
import { outboxItem, type TransactItem } from '../../../functions/shared/db/write.js';
import { createdAt, newOrder, paidOrder } from '../../support/order-fixtures.js';
import { itemWritten, table, updateEffect } from '../../support/plain-writes.js';
import { Entity } from 'electrodb';

const order = newOrder;

const putOf = (item: TransactItem) => item.Put;

describe('orders write what their entities define', () => {
  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  it('creates orders, idempotency records, refunds, parcels, Stripe markers and outbox items as the entities do', () => {
    expect(orderItem(order)).toEqual(itemWritten(orderEntity.create(order).params(table)));
    const record = { scope: 'mer_1', keyHash: 'h', requestHash: 'r', status: 'completed' as const, responseStatus: 201, responseBody: '{}', createdAt, ttl: 1 };
    expect(idempotencyItem(record)).toEqual(itemWritten(idempotencyEntity.create(record).params(table)));
    const refund = { id: 'ref_1', amount: { amount: 100, currency: 'USD' as const }, reason: 'damaged', source: 'api' as const, stripeRefundId: 're_1', createdAt, requestHash: 'q' };
    expect(refundItem('ord_1', refund)).toEqual(
      itemWritten(orderRefundEntity.create({ orderId: 'ord_1', refundId: 'ref_1', amount: refund.amount, reason: refund.reason, source: 'api', stripeRefundId: 're_1', requestHash: 'q', createdAt }).params(table)),
    );
    const parcel = { orderId: 'ord_1', shipmentId: 'shp_1', partnerCode: 'SF', trackingNumber: 'SF1', status: 'in_transit', statusAt: createdAt };
    expect(parcelItem(parcel)).toEqual(itemWritten(orderShipmentEntity.put(parcel).params(table)));
    const now = new Date(createdAt);
    expect(stripeEventItem('evt_1', 'charge.refunded', now)).toEqual(
      itemWritten(stripeEventEntity.create({ eventId: 'evt_1', type: 'charge.refunded', receivedAt: createdAt, ttl: Math.floor(now.getTime() / 1000) + 30 * 24 * 3600 }).params(table)),
    );
    const event = { eventId: 'evt_2', source: 'xborder.orders', detailType: 'OrderPlaced', detail: '{}', occurredAt: createdAt, correlationId: 'c', ttl: 5 };
    const outbox = putOf(outboxItem(event));
    expect(outbox?.Item).toEqual(itemWritten(outboxEntity.create(event).params(table)));
    expect(outbox?.ConditionExpression).toBe('attribute_not_exists(#pk) AND attribute_not_exists(#sk)');
  });

  it('keeps unmatched Stripe events as the entity did, on the same list index', () => {
    const unmatched = new Entity({
      model: { entity: 'unmatchedStripeEvent', version: '1', service: 'xborder' },
      attributes: { eventId: { type: 'string', required: true }, type: { type: 'string', required: true }, createdAt: { type: 'string', required: true }, livemode: { type: 'boolean', required: true }, objectId: { type: 'string' }, orderId: { type: 'string' }, reason: { type: ['not_ours', 'order_not_found'] as const, required: true }, event: { type: 'any', required: true }, receivedAt: { type: 'string', required: true }, ttl: { type: 'number', required: true } },
      indexes: {
        byId: { pk: { field: 'pk', composite: ['eventId'], template: 'STRIPEUNMATCHED#${eventId}', casing: 'none' }, sk: { field: 'sk', composite: [], template: 'STRIPEUNMATCHED', casing: 'none' } },
        byTime: { index: 'gsi1', pk: { field: 'gsi1pk', composite: [], template: 'STRIPEUNMATCHED', casing: 'none' }, sk: { field: 'gsi1sk', composite: ['receivedAt', 'eventId'], template: '${receivedAt}#${eventId}', casing: 'none' } },
      },
    });
    const record = { eventId: 'evt_1', type: 'payment_intent.succeeded', createdAt, livemode: false, objectId: 'pi_x', reason: 'not_ours' as const, event: { id: 'evt_1' }, receivedAt: createdAt, ttl: 9 };
    expect(unmatchedEventItem({ ...record, orderId: undefined })).toEqual(itemWritten(unmatched.create(record).params(table)));
  });

  it("changes an order as the entity's patch did: the same attributes, the status index rebuilt, on the version read", () => {
    const stored = paidOrder;
    const now = new Date('2026-11-21T00:00:00.000Z');
    const change = { status: 'shipped' as const, shippedAt: now.toISOString(), paymentError: undefined };
    const plain = orderChangeItem(stored, change, now);
    const electro = orderEntity
      .patch({ orderId: 'ord_1' })
      .set({ status: 'shipped', shippedAt: now.toISOString(), merchantId: 'mer_1', shard: 2, createdAt, updatedAt: now.toISOString(), version: 4 })
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(plain)).toEqual(updateEffect(electro));
    expect(plain.Update?.Key).toEqual({ pk: 'ORDER#ord_1', sk: 'ORDER' });
    expect(plain.Update?.ConditionExpression).toBe('(attribute_exists(#pk) AND attribute_exists(#sk)) AND (#version = :version)');
    expect(plain.Update?.ExpressionAttributeValues?.[':version']).toBe(3);
    expect(updateEffect(plain).set.gsi2pk).toBe('MERCHANT#mer_1#shipped#2');
  });
});
