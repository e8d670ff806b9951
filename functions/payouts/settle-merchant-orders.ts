import type { EventContract } from '../../events/define.js';
import { OrderDelivered } from '../../events/schemas/logistics.js';
import { OrderCancelled, OrderPaid, OrderRefunded } from '../../events/schemas/orders.js';
import { eventHandler, type DeliveredEvent } from '../shared/event-handler.js';
import { onOrderCancelled, onOrderDelivered, onOrderPaid, onOrderRefunded } from './settlement-store.js';

const accepts = [OrderPaid, OrderDelivered, OrderRefunded, OrderCancelled] as const;
type Accepted = (typeof accepts)[number];
/** One of the accepted events, discriminated by detail-type. */
type OneOf = Accepted extends infer C ? (C extends EventContract ? DeliveredEvent<C> : never) : never;

/**
 * The merchant's side of an order's money: OrderPaid (collection in CNY), OrderDelivered
 * (accrual: gross, platform fee, creator commission, net), OrderRefunded (proportional
 * reversal, netted in the next open period after a run), OrderCancelled (accrues nothing).
 */
export const handler = eventHandler(accepts, async (delivered) => {
  const event = delivered as OneOf;
  const context = { correlationId: event.detail.metadata.correlationId };
  switch (event.detailType) {
    case 'OrderPaid':
      return onOrderPaid(event.detail.data, context);
    case 'OrderDelivered':
      return onOrderDelivered(event.detail.data, context);
    case 'OrderRefunded':
      return onOrderRefunded(event.detail.data, context);
    case 'OrderCancelled':
      return onOrderCancelled(event.detail.data, context);
  }
});
