/**
 * Which internal events become which merchant webhook events, and the payload of each:
 * only what the contract in events/webhooks/payloads.ts allows (ids, statuses, amounts,
 * times; never buyer data). Pure: the fan-out handler supplies the merchant of events
 * that do not carry one (ShipmentStalled).
 */
import type { DetailType, EventDataOf } from '../../events/catalogue.js';
import { OrderDelivered, OrderShipped, ShipmentStalled, ShipmentStatusChanged } from '../../events/schemas/logistics.js';
import { OrderCancelled, OrderPaid, OrderPaymentFailed, OrderRefunded } from '../../events/schemas/orders.js';
import { MerchantSettlementAccrued } from '../../events/schemas/payouts.js';
import { webhookCatalogue, type WebhookDataOf, type WebhookType } from '../../events/webhooks/payloads.js';

export interface Notification {
  readonly type: WebhookType;
  readonly data: unknown;
}

type Mapper<T extends DetailType> = (data: EventDataOf<T>) => Notification[];

const one = <W extends WebhookType>(type: W, data: WebhookDataOf<W>): Notification => ({ type, data: webhookCatalogue[type].data.parse(data) });

/** Internal detail-type -> the webhook events it raises. */
export const webhookMappers = {
  OrderPaid: (d) => [one('order.paid', { orderId: d.orderId, amount: d.amount, paidAt: d.paidAt })],
  OrderPaymentFailed: (d) => [one('order.payment_failed', { orderId: d.orderId, reason: d.reason, failedAt: d.failedAt })],
  OrderCancelled: (d) => [
    one('order.cancelled', { orderId: d.orderId, previousStatus: d.previousStatus, refunded: d.refunded, cancelledAt: d.cancelledAt }),
  ],
  OrderShipped: (d) => [one('order.shipped', { orderId: d.orderId, shippedAt: d.shippedAt })],
  OrderDelivered: (d) => [one('order.delivered', { orderId: d.orderId, deliveredAt: d.deliveredAt })],
  OrderRefunded: (d) => [
    one('refund.succeeded', {
      orderId: d.orderId,
      refundId: d.refundId,
      amount: d.amount,
      refundedTotal: d.refundedTotal,
      fullyRefunded: d.fullyRefunded,
      source: d.source,
      refundedAt: d.refundedAt,
    }),
    ...(d.fullyRefunded ? [one('order.refunded', { orderId: d.orderId, refundedTotal: d.refundedTotal, paidTotal: d.paidTotal, refundedAt: d.refundedAt })] : []),
  ],
  ShipmentStatusChanged: (d) => [
    one('shipment.status_changed', {
      orderId: d.orderId,
      shipmentId: d.shipmentId,
      partnerCode: d.partnerCode,
      trackingNumber: d.trackingNumber,
      previousStatus: d.previousStatus,
      status: d.status,
      terminal: d.terminal,
      statusAt: d.statusAt,
    }),
  ],
  ShipmentStalled: (d) => [
    one('shipment.stalled', {
      orderId: d.orderId,
      shipmentId: d.shipmentId,
      partnerCode: d.partnerCode,
      trackingNumber: d.trackingNumber,
      status: d.status,
      lastActivityAt: d.lastActivityAt,
      detectedAt: d.detectedAt,
    }),
  ],
  // The order's proceeds are accrued: available for payout on the payable date (after the return window).
  MerchantSettlementAccrued: (d) => [
    one('settlement.available', { orderId: d.orderId, net: d.net, availableOn: d.payableAt.slice(0, 10), accruedAt: d.deliveredAt }),
  ],
} satisfies { [T in DetailType]?: Mapper<T> };

export type NotifyingEvent = keyof typeof webhookMappers;
export const notifyingEvents = Object.keys(webhookMappers) as NotifyingEvent[];

/** The contracts of the events that notify, as the fan-out consumer accepts them (its bundle carries only these). */
export const notifyingContracts = [
  OrderPaid,
  OrderPaymentFailed,
  OrderCancelled,
  OrderShipped,
  OrderDelivered,
  OrderRefunded,
  ShipmentStatusChanged,
  ShipmentStalled,
  MerchantSettlementAccrued,
] as const satisfies ReadonlyArray<{ detailType: NotifyingEvent }>;

export const notificationsOf = <T extends NotifyingEvent>(detailType: T, data: EventDataOf<T>): Notification[] =>
  (webhookMappers[detailType] as Mapper<T>)(data);

/** The merchant an event names, when it names one (ShipmentStalled does not: the handler looks it up). */
export const merchantOf = (data: unknown): string | undefined => {
  const merchantId = (data as { merchantId?: unknown }).merchantId;
  return typeof merchantId === 'string' ? merchantId : undefined;
};

/** The exact body of a delivery. */
export const webhookPayload = (eventId: string, occurredAt: string, notification: Notification): string =>
  JSON.stringify({ id: eventId, type: notification.type, createdAt: occurredAt, data: notification.data });
