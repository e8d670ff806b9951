/**
 * How parcel news moves an order (pure): the first parcel picked up (or any later
 * milestone) makes a paid order `shipped`; the order is `delivered` when every parcel is.
 */
import { isShippedStatus, isTerminalStatus, type TrackingStatus } from '../logistics/tracking.js';
import type { OrderShipment, OrderState, OrderStatus } from './order.js';

export interface ShipmentNews {
  readonly shipmentId: string;
  readonly status: string;
  readonly statusAt: string;
}

export interface Progress {
  readonly shipments: OrderShipment[];
  readonly status: OrderStatus;
  readonly shipped: boolean;
  readonly delivered: boolean;
}

const asTracking = (status: string): TrackingStatus => status as TrackingStatus;

/** The order after this news, or undefined when the news is stale or already applied (redelivery). */
export const applyShipmentNews = (order: OrderState, news: ShipmentNews): Progress | undefined => {
  const shipments = [...(order.shipments ?? [])];
  const index = shipments.findIndex((s) => s.id === news.shipmentId);
  const current = shipments[index];
  if (!current) return undefined;
  // Terminal news wins whatever its stamp (scanner clocks drift: a `delivered` stamped a
  // minute before an `out_for_delivery` still delivers); once terminal, nothing moves it.
  if (isTerminalStatus(asTracking(current.status))) return undefined;
  const stale = news.statusAt < current.statusAt && !isTerminalStatus(asTracking(news.status));
  if (stale || (current.status === news.status && current.statusAt === news.statusAt)) return undefined;
  shipments[index] = { ...current, status: news.status, statusAt: news.statusAt };

  let status = order.status;
  const shipped = status === 'paid' && shipments.some((s) => isShippedStatus(asTracking(s.status)));
  if (shipped) status = 'shipped';
  const delivered = (status === 'shipped' || status === 'paid') && shipments.every((s) => s.status === 'delivered');
  if (delivered) status = 'delivered';
  return { shipments, status, shipped: shipped || (delivered && order.status === 'paid'), delivered };
};
