/**
 * The changes the audit trail records: every operator and finance action that changes
 * something. To audit another change, add its contract here and pass the caller as `actor`
 * when building the event (docs/operators.md). lib/manifest.ts routes exactly these to
 * recordAudit; the consumer accepts exactly these (its bundle carries only their schemas).
 */
import { LogisticsPartnerRegistered } from '../../events/schemas/logistics.js';
import { MerchantEnrolled } from '../../events/schemas/orders.js';
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
] as const;
