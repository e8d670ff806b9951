import type { OrderShipment, OrderState } from '../../../functions/orders/order.js';
import { applyShipmentNews } from '../../../functions/orders/shipment-progress.js';

const parcel = (id: string, status = 'label_created', statusAt = ''): OrderShipment => ({ id, partnerCode: 'SF', trackingNumber: `T-${id}`, status, statusAt });
const order = (status: OrderState['status'], shipments: OrderShipment[]): OrderState =>
  ({ status, shipments, version: 1, paidAmount: 1, refundedAmount: 0, refunds: [], updatedAt: '', placed: {} }) as unknown as OrderState;

describe('applyShipmentNews', () => {
  it('ships a paid order from the first picked_up (or any later milestone) and not before', () => {
    expect(applyShipmentNews(order('paid', [parcel('a')]), { shipmentId: 'a', status: 'label_created', statusAt: 't1' })?.status).toBe('paid');
    expect(applyShipmentNews(order('paid', [parcel('a')]), { shipmentId: 'a', status: 'picked_up', statusAt: 't1' })).toMatchObject({ status: 'shipped', shipped: true, delivered: false });
    expect(applyShipmentNews(order('paid', [parcel('a')]), { shipmentId: 'a', status: 'customs_hold', statusAt: 't1' })?.status).toBe('shipped');
  });

  it('delivers only when every parcel is delivered, announcing shipped too when it skipped it', () => {
    const two = order('shipped', [parcel('a', 'delivered', 't2'), parcel('b', 'departed', 't1')]);
    expect(applyShipmentNews(two, { shipmentId: 'b', status: 'delivered', statusAt: 't3' })).toMatchObject({ status: 'delivered', delivered: true, shipped: false });
    expect(applyShipmentNews(order('paid', [parcel('a')]), { shipmentId: 'a', status: 'delivered', statusAt: 't1' })).toMatchObject({ status: 'delivered', shipped: true, delivered: true });
    expect(applyShipmentNews(order('shipped', [parcel('a'), parcel('b')]), { shipmentId: 'a', status: 'delivered', statusAt: 't1' })).toMatchObject({ status: 'shipped', delivered: false });
  });

  it('ignores redelivered, stale and unknown-parcel news, and never moves a terminal parcel', () => {
    const shipped = order('shipped', [parcel('a', 'departed', 't5')]);
    expect(applyShipmentNews(shipped, { shipmentId: 'a', status: 'departed', statusAt: 't5' })).toBeUndefined();
    expect(applyShipmentNews(shipped, { shipmentId: 'a', status: 'picked_up', statusAt: 't1' })).toBeUndefined();
    expect(applyShipmentNews(shipped, { shipmentId: 'zz', status: 'delivered', statusAt: 't9' })).toBeUndefined();
    expect(applyShipmentNews(order('delivered', [parcel('a', 'delivered', 't5')]), { shipmentId: 'a', status: 'delivery_failed', statusAt: 't6' })).toBeUndefined();
  });

  it('lets terminal news win whatever its stamp (scanner clock skew), and nothing move a terminal parcel', () => {
    const out = order('shipped', [parcel('a', 'out_for_delivery', '2025-09-01T07:00:00.000Z')]);
    const delivered = applyShipmentNews(out, { shipmentId: 'a', status: 'delivered', statusAt: '2025-09-01T06:59:00.000Z' });
    expect(delivered).toMatchObject({ status: 'delivered', delivered: true });
    const returned = applyShipmentNews(out, { shipmentId: 'a', status: 'returned', statusAt: '2025-09-01T06:00:00.000Z' });
    expect(returned?.shipments[0]?.status).toBe('returned');
    // Older non-terminal news stays stale.
    expect(applyShipmentNews(out, { shipmentId: 'a', status: 'arrived', statusAt: '2025-09-01T06:59:00.000Z' })).toBeUndefined();
    const done = order('delivered', [parcel('a', 'delivered', '2025-09-01T06:59:00.000Z')]);
    expect(applyShipmentNews(done, { shipmentId: 'a', status: 'returned', statusAt: '2025-09-01T08:00:00.000Z' })).toBeUndefined();
    expect(applyShipmentNews(done, { shipmentId: 'a', status: 'delivered', statusAt: '2025-09-01T06:59:00.000Z' })).toBeUndefined();
  });
});
