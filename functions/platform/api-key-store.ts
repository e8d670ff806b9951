import * as z from 'zod/mini';
import { issueApiKey, type IssuedKey, type Principal } from '../shared/api-keys.js';
import { apiKeyItemKey } from '../shared/auth.js';
import { now as clock } from '../shared/clock.js';
import { roles } from '../shared/contracts.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { createItem, failedCondition, outboxItem, patchItem, storedItem, transactWrite, type Item, type TransactItem } from '../shared/db/write.js';
import { ProblemError } from '../shared/errors.js';
import { outboxEvent, type EventContext } from '../shared/outbox.js';
import { ApiKeyCreated, ApiKeyRevoked, ApiKeyRotated } from '../../events/schemas/platform.js';
import { getOwned, queryPage, type IndexPartition } from './store.js';

export class ApiKeyStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiKeyStoreError';
  }
}

export interface KeyGrant {
  readonly role: Principal['role'];
  readonly tenantId: string | null;
  readonly createdBy: string;
}

/** How long a rotated key keeps working beside its replacement. */
export const rotationOverlapMs = 24 * 3600 * 1000;

/** Operator and finance keys belong to no merchant: their owner in the list index. */
const platformOwner = 'platform';

/** A key item (entity `apiKey`), found by its hash (the key itself is never stored). */
export const storedApiKey = z.lazy(() =>
  z.object({
    keyHash: z.string(),
    keyId: z.string(),
    role: z.enum(roles),
    tenantId: z.optional(z.string()),
    owner: z.string(),
    keyPreview: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.optional(z.string()),
    expiresAt: z.optional(z.string()),
    replacedBy: z.optional(z.string()),
  }),
);
export type ApiKeyRecord = z.output<typeof storedApiKey>;
const apiKeys = { entity: 'apiKey', schema: storedApiKey };

/** A new key as stored: its hash as the table key, on the list index (gsi1: role, owner, creation) and the by-id index (gsi2). */
export const apiKeyItem = (k: ApiKeyRecord): Item =>
  storedItem('apiKey', { ...k }, {
    ...apiKeyItemKey(k.keyHash),
    gsi1pk: 'APIKEYS',
    gsi1sk: `${k.role}#${k.owner}#${k.createdAt}#${k.keyId}`,
    gsi2pk: `APIKEYID#${k.keyId}`,
    gsi2sk: 'APIKEY',
  });

/** The by-id index's partition of one key (gsi2). */
export const keyIdPartition = (keyId: string): IndexPartition => ({ index: 'gsi2', pk: `APIKEYID#${keyId}`, sk: { is: 'APIKEY' } });

/**
 * The list index (gsi1), narrowed to a role and, for merchant keys, a merchant: the prefix
 * ends with `#` so `mer_1` never matches `mer_10`.
 */
export const keyListPartition = (role?: Principal['role'], owner?: string): IndexPartition => ({
  index: 'gsi1',
  pk: 'APIKEYS',
  ...(role ? { sk: { beginsWith: owner ? `${role}#${owner}#` : `${role}#` } } : {}),
});

/** Revocation: set once, on a key not revoked yet. */
export const revocationItem = (keyHash: string, revokedAt: string): TransactItem =>
  patchItem(apiKeyItemKey(keyHash), 'apiKey', { set: { revokedAt, keyHash } }, { expression: 'attribute_not_exists(#revokedAt)', names: { '#revokedAt': 'revokedAt' } });

/** Rotation of the previous key: its end and successor, on a key neither rotated nor revoked. */
export const rotationItem = (keyHash: string, expiresAt: string, replacedBy: string): TransactItem =>
  patchItem(
    apiKeyItemKey(keyHash),
    'apiKey',
    { set: { expiresAt, replacedBy, keyHash } },
    { expression: 'attribute_not_exists(#expiresAt) AND attribute_not_exists(#revokedAt)', names: { '#expiresAt': 'expiresAt', '#revokedAt': 'revokedAt' } },
  );

/** The stored form of a new key (its hash, never the key) and its `ApiKeyCreated` event. */
export const apiKeyRecord = (issued: IssuedKey, grant: KeyGrant, context: EventContext): { item: ApiKeyRecord; event: OutboxItem } => {
  const now = context.now ?? clock();
  const createdAt = now.toISOString();
  const item: ApiKeyRecord = {
    keyHash: issued.keyHash,
    keyId: issued.keyId,
    role: grant.role,
    ...(grant.tenantId ? { tenantId: grant.tenantId } : {}),
    owner: grant.tenantId ?? platformOwner,
    keyPreview: issued.keyPreview,
    createdBy: grant.createdBy,
    createdAt,
  };
  const event = outboxEvent(
    ApiKeyCreated,
    { keyId: issued.keyId, role: grant.role, tenantId: grant.tenantId, createdBy: grant.createdBy, createdAt },
    { ...context, now },
  );
  return { item, event };
};

/** Stores a new key's hash and its `ApiKeyCreated` event in one transaction. */
export const createApiKey = async (issued: IssuedKey, grant: KeyGrant, context: EventContext): Promise<ApiKeyRecord> => {
  const { item, event } = apiKeyRecord(issued, grant, context);
  const result = await transactWrite([createItem(apiKeyItem(item)), outboxItem(event)]);
  if (result.canceled) throw new ApiKeyStoreError(`could not store key ${issued.keyId}`);
  return item;
};

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

/** Whether a stored key authenticates at `at`: not revoked, and not past the end of a rotation overlap. */
export const keyStatus = (key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, at: Date): KeyStatus => {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt) return Date.parse(key.expiresAt) <= at.getTime() ? 'expired' : 'expiring';
  return 'active';
};

/** A key as operators see it: never the key or its hash; the last 4 characters to recognise it. */
export const keyView = (key: ApiKeyRecord, at: Date = clock()) => ({
  id: key.keyId,
  role: key.role,
  ...(key.tenantId ? { merchantId: key.tenantId } : {}),
  createdAt: key.createdAt,
  createdBy: key.createdBy,
  last4: key.keyPreview.slice(-4),
  status: keyStatus(key, at),
  ...(key.expiresAt ? { expiresAt: key.expiresAt } : {}),
  ...(key.revokedAt ? { revokedAt: key.revokedAt } : {}),
  ...(key.replacedBy ? { replacedBy: key.replacedBy } : {}),
});

/** The key with this id: one Query of one item on gsi2 (eventually consistent, as it always was). */
export const findKeyById = async (keyId: string): Promise<ApiKeyRecord | undefined> => {
  const { data } = await queryPage(keyIdPartition(keyId), apiKeys, 1, null);
  return data[0];
};

/** One page of keys, optionally of one role and, for merchant keys, one merchant (gsi1 prefixes). */
export const listKeys = async (filter: { role?: Principal['role'] | undefined; merchantId?: string | undefined }, limit: number, cursor: string | null) => {
  const role = filter.merchantId ? 'merchant' : filter.role;
  return queryPage(keyListPartition(role, filter.merchantId), apiKeys, limit, cursor);
};

/**
 * Revokes a key: answers the revoked key, also when it was revoked already (a retried DELETE
 * changes nothing and raises no second event).
 */
export const revokeKey = async (keyId: string, context: EventContext): Promise<ApiKeyRecord> => {
  const key = await findKeyById(keyId);
  if (!key) throw new ProblemError('not_found');
  if (key.revokedAt) return key;
  const revokedAt = (context.now ?? clock()).toISOString();
  const event = outboxEvent(ApiKeyRevoked, { keyId, role: key.role, tenantId: key.tenantId ?? null, revokedAt }, context);
  const result = await transactWrite([revocationItem(key.keyHash, revokedAt), outboxItem(event)]);
  if (!result.canceled) return { ...key, revokedAt };
  // Another revocation came first: read the key item itself, strongly consistent (the id index
  // may not show that revocation yet, and a stale answer here would be a 500).
  const current = await getOwned(apiKeyItemKey(key.keyHash), apiKeys, true);
  if (current?.revokedAt) return current;
  throw new ApiKeyStoreError(`key ${keyId} was not revoked: ${result.codes.join(', ')}`);
};

/**
 * A merchant replaces the key it calls with: a new key now; the calling key keeps working for
 * 24 hours, then stops. A key already rotated or revoked cannot be rotated again (409): one
 * rotation in flight at a time, so a leaked old key cannot mint keys after its overlap.
 */
export const rotateKey = async (caller: Principal, context: EventContext): Promise<{ issued: IssuedKey; item: ApiKeyRecord }> => {
  const previous = await findKeyById(caller.keyId);
  if (!previous || previous.revokedAt) throw new ProblemError('unauthenticated');
  if (previous.expiresAt) throw new ProblemError('invalid_state', { params: { state: 'already rotated' } });
  const now = context.now ?? clock();
  const issued = issueApiKey();
  const { item } = apiKeyRecord(issued, { role: previous.role, tenantId: previous.tenantId ?? null, createdBy: previous.keyId }, { ...context, now });
  const previousExpiresAt = new Date(now.getTime() + rotationOverlapMs).toISOString();
  const event = outboxEvent(
    ApiKeyRotated,
    { keyId: issued.keyId, previousKeyId: previous.keyId, role: previous.role, tenantId: previous.tenantId ?? null, previousExpiresAt, rotatedAt: now.toISOString() },
    { ...context, now },
  );
  const result = await transactWrite([rotationItem(previous.keyHash, previousExpiresAt, issued.keyId), createItem(apiKeyItem(item)), outboxItem(event)]);
  if (result.canceled) {
    if (failedCondition(result, 0)) throw new ProblemError('invalid_state', { params: { state: 'already rotated or revoked' } });
    throw new ApiKeyStoreError(`key ${caller.keyId} was not rotated: ${result.codes.join(', ')}`);
  }
  return { issued, item };
};
