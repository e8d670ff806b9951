import type * as z from 'zod/mini';
import { LogisticsPartnerRegistered, ShipmentBooked, ShipmentStatusChanged, ShipmentStalled, OrderShipped, OrderDelivered } from './schemas/logistics.js';
import { WebhookDeliveryScheduled, WebhookEndpointDisabled, WebhookEndpointCreated, WebhookEndpointUpdated, WebhookEndpointDeleted, WebhookEndpointSecretRolled } from './schemas/notifications.js';
import { MerchantEnrolled, MerchantTakeRateChanged, OrderPlaced, OrderPaid, OrderPaymentFailed, OrderCancelled, OrderRefunded } from './schemas/orders.js';
import { CommissionAccrued, CommissionReversed, PayoutRunRequested, PayoutRunCompleted, MerchantSettlementAccrued, MerchantSettled } from './schemas/payouts.js';
import { ApiKeyCreated, ApiKeyRevoked, ApiKeyRotated, PartnerSecretRotated, PartnerSecretRetired, AgencyRegistered, CreatorRegistered, CreatorTermsChanged } from './schemas/platform.js';
import { eventSources, type EventSource } from './sources.js';

export { eventSources, type EventSource };

/**
 * The event catalogue: detail-type -> source, current version and zod schema of `detail`,
 * gathered from the contracts beside their schemas (events/schemas/*). The JSON Schemas in
 * events/json-schema/ are generated from this (npm run events:schemas). Handlers import the
 * contracts they use, never this file (a bundle guard test checks it).
 */
export const eventCatalogue = {
  ApiKeyCreated,
  MerchantEnrolled,
  OrderPlaced,
  OrderPaid,
  OrderPaymentFailed,
  OrderCancelled,
  OrderRefunded,
  LogisticsPartnerRegistered,
  ShipmentBooked,
  ShipmentStatusChanged,
  ShipmentStalled,
  OrderShipped,
  OrderDelivered,
  CommissionAccrued,
  CommissionReversed,
  PayoutRunRequested,
  PayoutRunCompleted,
  ApiKeyRevoked,
  ApiKeyRotated,
  PartnerSecretRotated,
  PartnerSecretRetired,
  AgencyRegistered,
  CreatorRegistered,
  CreatorTermsChanged,
  MerchantSettlementAccrued,
  MerchantSettled,
  WebhookDeliveryScheduled,
  WebhookEndpointDisabled,
  WebhookEndpointCreated,
  WebhookEndpointUpdated,
  WebhookEndpointDeleted,
  WebhookEndpointSecretRolled,
  MerchantTakeRateChanged,
};

export type DetailType = keyof typeof eventCatalogue;
export type EventDetailOf<T extends DetailType> = z.infer<(typeof eventCatalogue)[T]['schema']>;
export type EventDataOf<T extends DetailType> = EventDetailOf<T>['data'];

export const detailTypes = Object.keys(eventCatalogue) as DetailType[];
