/**
 * The changes the audit trail records: every operator and finance action that changes
 * something, a merchant's changes to its keys and webhook endpoints, and the platform's own
 * disabling of a failing endpoint. To audit another change, add its contract here and pass the caller as `actor`
 * when building the event (docs/operators.md). lib/manifest.ts routes exactly these to
 * recordAudit; the consumer accepts exactly these (its bundle carries only their schemas).
 */
import { LogisticsPartnerRegistered } from '../../events/schemas/logistics.js';
import {
  WebhookEndpointCreated,
  WebhookEndpointDeleted,
  WebhookEndpointDisabled,
  WebhookEndpointSecretRolled,
  WebhookEndpointUpdated,
} from '../../events/schemas/notifications.js';
import { MerchantEnrolled, MerchantTakeRateChanged } from '../../events/schemas/orders.js';
import { PayoutRunRequested } from '../../events/schemas/payouts.js';
import {
  AgencyRegistered,
  ApiKeyCreated,
  ApiKeyRevoked,
  ApiKeyRotated,
  CreatorRegistered,
  CreatorTermsChanged,
  PartnerSecretRetired,
  PartnerSecretRotated,
} from '../../events/schemas/platform.js';

export const auditedEvents = [
  ApiKeyCreated,
  MerchantEnrolled,
  LogisticsPartnerRegistered,
  ApiKeyRevoked,
  ApiKeyRotated,
  PartnerSecretRotated,
  PartnerSecretRetired,
  AgencyRegistered,
  CreatorRegistered,
  CreatorTermsChanged,
  PayoutRunRequested,
  MerchantTakeRateChanged,
  WebhookEndpointCreated,
  WebhookEndpointUpdated,
  WebhookEndpointDeleted,
  WebhookEndpointSecretRolled,
  // Raised by the dispatcher, not a person (actor null): operators see which endpoints the platform gave up on.
  WebhookEndpointDisabled,
] as const;
