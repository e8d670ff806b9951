import * as z from 'zod/mini';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

export const apiKeyRole = z.enum(['admin', 'merchant', 'finance']);

/** An API key was issued. Never carries the key itself or its hash. */
export const ApiKeyCreatedV1 = () => eventDetail(
  1,
  z.object({
    keyId: z.string().check(z.startsWith('key_')),
    role: apiKeyRole,
    tenantId: z.nullable(z.string()),
    createdBy: z.string().check(z.minLength(1), z.describe('keyId of the operator key that issued it, or "admin" for the root operator key')),
    createdAt: z.iso.datetime(),
  }),
);

/** An operator revoked an API key: it stops authenticating within the auth cache's minute. */
export const ApiKeyRevokedV1 = () => eventDetail(
  1,
  z.object({
    keyId: z.string().check(z.startsWith('key_')),
    role: apiKeyRole,
    tenantId: z.nullable(z.string()),
    revokedAt: z.iso.datetime(),
  }),
);

/** A merchant rotated its key: a new key now, the previous one keeps working until `previousExpiresAt`. */
export const ApiKeyRotatedV1 = () => eventDetail(
  1,
  z.object({
    keyId: z.string().check(z.startsWith('key_'), z.describe('the new key')),
    previousKeyId: z.string().check(z.startsWith('key_'), z.describe('the key that was rotated (the one that called)')),
    role: apiKeyRole,
    tenantId: z.nullable(z.string()),
    previousExpiresAt: z.iso.datetime(),
    rotatedAt: z.iso.datetime(),
  }),
);

/** An operator started a rollover of a logistics partner's webhook secret (the secret is never in the event). */
export const PartnerSecretRotatedV1 = () => eventDetail(
  1,
  z.object({
    partnerCode: z.string().check(z.minLength(1)),
    secretId: z.string().check(z.startsWith('whs_'), z.describe('the new secret')),
    previousSecretIds: z.array(z.string()).check(z.maxLength(2), z.describe('the secrets active before')),
    activeSecretIds: z.array(z.string()).check(z.minLength(1), z.maxLength(2), z.describe('the secrets active after')),
    rotatedAt: z.iso.datetime(),
  }),
);

/** An operator retired one of a partner's webhook secrets (the end of a rollover). */
export const PartnerSecretRetiredV1 = () => eventDetail(
  1,
  z.object({
    partnerCode: z.string().check(z.minLength(1)),
    secretId: z.string().check(z.startsWith('whs_'), z.describe('the retired secret')),
    previousSecretIds: z.array(z.string()).check(z.maxLength(2)),
    activeSecretIds: z.array(z.string()).check(z.minLength(1), z.maxLength(2)),
    retiredAt: z.iso.datetime(),
  }),
);

/** An operator registered an MCN agency. */
export const AgencyRegisteredV1 = () => eventDetail(
  1,
  z.object({
    agencyId: z.string().check(z.startsWith('agy_')),
    name: z.string().check(z.minLength(1)),
    country: z.string().check(z.length(2)),
    feeBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    registeredAt: z.iso.datetime(),
  }),
);

const creatorContract = z.object({
  type: z.enum(['agency', 'personal']),
  agencyId: z.nullable(z.string()),
  commissionRateBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
  startsOn: z.iso.date(),
});

/** An operator registered a creator (terms version 1). No tax deductions or other personal figures. */
export const CreatorRegisteredV1 = () => eventDetail(
  1,
  z.object({
    creatorId: z.string().check(z.startsWith('cre_')),
    version: z.literal(1),
    contract: creatorContract,
    registeredAt: z.iso.datetime(),
  }),
);

/** An operator changed a creator's terms: a new version, valid from `validFrom`. `changed` names the fields. */
export const CreatorTermsChangedV1 = () => eventDetail(
  1,
  z.object({
    creatorId: z.string().check(z.startsWith('cre_')),
    previousVersion: z.number().check(z.int(), z.gte(1)),
    version: z.number().check(z.int(), z.gte(2)),
    changed: z.array(z.string().check(z.minLength(1))).check(z.maxLength(20)),
    previousContract: creatorContract,
    contract: creatorContract,
    validFrom: z.iso.datetime(),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const ApiKeyCreated = defineEvent('ApiKeyCreated', {
  source: eventSources.platform,
  version: 1,
  schema: ApiKeyCreatedV1,
  description: 'An operator issued an API key (audit trail).',
});

export const ApiKeyRevoked = defineEvent('ApiKeyRevoked', {
  source: eventSources.platform,
  version: 1,
  schema: ApiKeyRevokedV1,
  description: 'An operator revoked an API key (audit trail).',
});

export const ApiKeyRotated = defineEvent('ApiKeyRotated', {
  source: eventSources.platform,
  version: 1,
  schema: ApiKeyRotatedV1,
  description: 'A merchant rotated its API key; the previous key works for 24 more hours (audit trail).',
});

export const PartnerSecretRotated = defineEvent('PartnerSecretRotated', {
  source: eventSources.platform,
  version: 1,
  schema: PartnerSecretRotatedV1,
  description: "An operator started a rollover of a logistics partner's webhook secret (audit trail).",
});

export const PartnerSecretRetired = defineEvent('PartnerSecretRetired', {
  source: eventSources.platform,
  version: 1,
  schema: PartnerSecretRetiredV1,
  description: "An operator retired a logistics partner's webhook secret (audit trail).",
});

export const AgencyRegistered = defineEvent('AgencyRegistered', {
  source: eventSources.platform,
  version: 1,
  schema: AgencyRegisteredV1,
  description: 'An operator registered an MCN agency (audit trail).',
});

export const CreatorRegistered = defineEvent('CreatorRegistered', {
  source: eventSources.platform,
  version: 1,
  schema: CreatorRegisteredV1,
  description: 'An operator registered a creator (audit trail).',
});

export const CreatorTermsChanged = defineEvent('CreatorTermsChanged', {
  source: eventSources.platform,
  version: 1,
  schema: CreatorTermsChangedV1,
  description: "An operator changed a creator's terms: a new version, valid from now (audit trail).",
});
