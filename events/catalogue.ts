import type { z } from 'zod';
import { MerchantEnrolledV1, OrderCancelledV1, OrderPaidV1, OrderPaymentFailedV1, OrderPlacedV1, OrderRefundedV1 } from './schemas/orders.js';
import {
  LogisticsPartnerRegisteredV1,
  OrderDeliveredV1,
  OrderShippedV1,
  ShipmentBookedV1,
  ShipmentStalledV1,
  ShipmentStatusChangedV1,
} from './schemas/logistics.js';
import { CommissionAccruedV1, CommissionReversedV1, PayoutRunCompletedV1, PayoutRunRequestedV1 } from './schemas/payouts.js';
import {
  AgencyRegisteredV1,
  ApiKeyCreatedV1,
  ApiKeyRevokedV1,
  ApiKeyRotatedV1,
  CreatorRegisteredV1,
  CreatorTermsChangedV1,
  PartnerSecretRetiredV1,
  PartnerSecretRotatedV1,
} from './schemas/platform.js';
import { MerchantSettledV1, MerchantSettlementAccruedV1 } from './schemas/payouts.js';
import { WebhookDeliveryScheduledV1, WebhookEndpointDisabledV1 } from './schemas/notifications.js';

/** Event sources, one per bounded context. */
export const eventSources = {
  orders: 'xborder.orders',
  payments: 'xborder.payments',
  logistics: 'xborder.logistics',
  payouts: 'xborder.payouts',
  platform: 'xborder.platform',
} as const;
export type EventSource = (typeof eventSources)[keyof typeof eventSources];

interface CatalogueEntry {
  readonly source: EventSource;
  readonly version: number;
  readonly schema: z.ZodType;
  readonly description: string;
}

/**
 * The event catalogue: detail-type -> source, current version and zod schema of `detail`.
 * The JSON Schemas in events/json-schema/ are generated from this (npm run events:schemas).
 */
export const eventCatalogue = {
  ApiKeyCreated: {
    source: eventSources.platform,
    version: 1,
    schema: ApiKeyCreatedV1,
    description: 'An operator issued an API key (audit trail).',
  },
  MerchantEnrolled: {
    source: eventSources.platform,
    version: 1,
    schema: MerchantEnrolledV1,
    description: 'An operator enrolled a merchant in the export pilot.',
  },
  OrderPlaced: {
    source: eventSources.orders,
    version: 1,
    schema: OrderPlacedV1,
    description: 'A merchant placed an order; its PaymentIntent awaits payment.',
  },
  OrderPaid: {
    source: eventSources.payments,
    version: 1,
    schema: OrderPaidV1,
    description: 'Stripe confirmed payment of the order total.',
  },
  OrderPaymentFailed: {
    source: eventSources.payments,
    version: 1,
    schema: OrderPaymentFailedV1,
    description: 'A payment attempt for the order failed; the order still awaits payment.',
  },
  OrderCancelled: {
    source: eventSources.orders,
    version: 1,
    schema: OrderCancelledV1,
    description: 'The order was cancelled (refunded in full if it had been paid).',
  },
  OrderRefunded: {
    source: eventSources.payments,
    version: 1,
    schema: OrderRefundedV1,
    description: 'Money was returned to the buyer, in part or in full.',
  },
  LogisticsPartnerRegistered: {
    source: eventSources.platform,
    version: 1,
    schema: LogisticsPartnerRegisteredV1,
    description: 'An operator registered a logistics partner (its secret is never in the event).',
  },
  ShipmentBooked: {
    source: eventSources.logistics,
    version: 1,
    schema: ShipmentBookedV1,
    description: 'A merchant booked a parcel of an order with a logistics partner.',
  },
  ShipmentStatusChanged: {
    source: eventSources.logistics,
    version: 1,
    schema: ShipmentStatusChangedV1,
    description: "A shipment's status changed (partner milestones, ordered by occurredAt).",
  },
  ShipmentStalled: {
    source: eventSources.logistics,
    version: 1,
    schema: ShipmentStalledV1,
    description: 'A non-terminal shipment had no event for 72 hours (once per stall).',
  },
  OrderShipped: {
    source: eventSources.orders,
    version: 1,
    schema: OrderShippedV1,
    description: 'The first parcel of the order was picked up (or got any later milestone).',
  },
  OrderDelivered: {
    source: eventSources.orders,
    version: 1,
    schema: OrderDeliveredV1,
    description: 'Every parcel of the order was delivered.',
  },
  CommissionAccrued: {
    source: eventSources.payouts,
    version: 1,
    schema: CommissionAccruedV1,
    description: "A creator's commission on a delivered order, payable after the return window.",
  },
  CommissionReversed: {
    source: eventSources.payouts,
    version: 1,
    schema: CommissionReversedV1,
    description: 'Part of a commission reversed in proportion to a refund.',
  },
  PayoutRunRequested: {
    source: eventSources.payouts,
    version: 1,
    schema: PayoutRunRequestedV1,
    description: 'A payout run for a period was started (processing is asynchronous and resumable).',
  },
  PayoutRunCompleted: {
    source: eventSources.payouts,
    version: 1,
    schema: PayoutRunCompletedV1,
    description: 'A payout run finished: its lines and totals are final.',
  },
  ApiKeyRevoked: {
    source: eventSources.platform,
    version: 1,
    schema: ApiKeyRevokedV1,
    description: 'An operator revoked an API key (audit trail).',
  },
  ApiKeyRotated: {
    source: eventSources.platform,
    version: 1,
    schema: ApiKeyRotatedV1,
    description: 'A merchant rotated its API key; the previous key works for 24 more hours (audit trail).',
  },
  PartnerSecretRotated: {
    source: eventSources.platform,
    version: 1,
    schema: PartnerSecretRotatedV1,
    description: "An operator started a rollover of a logistics partner's webhook secret (audit trail).",
  },
  PartnerSecretRetired: {
    source: eventSources.platform,
    version: 1,
    schema: PartnerSecretRetiredV1,
    description: "An operator retired a logistics partner's webhook secret (audit trail).",
  },
  AgencyRegistered: {
    source: eventSources.platform,
    version: 1,
    schema: AgencyRegisteredV1,
    description: 'An operator registered an MCN agency (audit trail).',
  },
  CreatorRegistered: {
    source: eventSources.platform,
    version: 1,
    schema: CreatorRegisteredV1,
    description: 'An operator registered a creator (audit trail).',
  },
  CreatorTermsChanged: {
    source: eventSources.platform,
    version: 1,
    schema: CreatorTermsChangedV1,
    description: "An operator changed a creator's terms: a new version, valid from now (audit trail).",
  },
  MerchantSettlementAccrued: {
    source: eventSources.payouts,
    version: 1,
    schema: MerchantSettlementAccruedV1,
    description: "A delivered order's proceeds for its merchant (gross, platform fee, creator commission, net), payable after the return window.",
  },
  MerchantSettled: {
    source: eventSources.payouts,
    version: 1,
    schema: MerchantSettledV1,
    description: "A payout run settled a merchant's period: paid, or a negative total carried forward.",
  },
  WebhookDeliveryScheduled: {
    source: eventSources.platform,
    version: 1,
    schema: WebhookDeliveryScheduledV1,
    description: 'A merchant webhook delivery is due; a rule puts it on the delivery queue (ids only).',
  },
  WebhookEndpointDisabled: {
    source: eventSources.platform,
    version: 1,
    schema: WebhookEndpointDisabledV1,
    description: 'A merchant webhook endpoint failed for three days straight and was disabled.',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type DetailType = keyof typeof eventCatalogue;
export type EventDetailOf<T extends DetailType> = z.infer<(typeof eventCatalogue)[T]['schema']>;
export type EventDataOf<T extends DetailType> = EventDetailOf<T>['data'];

export const detailTypes = Object.keys(eventCatalogue) as DetailType[];
