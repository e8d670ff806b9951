import { issueApiKey, type IssuedKey, type Principal } from '../shared/api-keys.js';
import { now as clock } from '../shared/clock.js';
import type { ApiKeyItem, OutboxItem } from '../shared/db/entities.js';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { outboxEvent, type EventContext } from '../shared/outbox.js';
import { ApiKeyCreated, ApiKeyRevoked, ApiKeyRotated } from '../../events/schemas/platform.js';

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

/** The stored form of a new key (its hash, never the key) and its `ApiKeyCreated` event. */
export const apiKeyRecord = (issued: IssuedKey, grant: KeyGrant, context: EventContext): { item: ApiKeyItem; event: OutboxItem } => {
  const now = context.now ?? clock();
  const createdAt = now.toISOString();
  const item: ApiKeyItem = {
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
export const createApiKey = async (issued: IssuedKey, grant: KeyGrant, context: EventContext): Promise<ApiKeyItem> => {
  const { item, event } = apiKeyRecord(issued, grant, context);
  const result = await db()
    .transaction.write(({ apiKey, outbox }) => [apiKey.create(item).commit(), outbox.create(event).commit()])
    .go();
  if (result.canceled) throw new ApiKeyStoreError(`could not store key ${issued.keyId}`);
  return item;
};

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

/** Whether a stored key authenticates at `at`: not revoked, and not past the end of a rotation overlap. */
export const keyStatus = (key: Pick<ApiKeyItem, 'revokedAt' | 'expiresAt'>, at: Date): KeyStatus => {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt) return Date.parse(key.expiresAt) <= at.getTime() ? 'expired' : 'expiring';
  return 'active';
};

/** A key as operators see it: never the key or its hash; the last 4 characters to recognise it. */
export const keyView = (key: ApiKeyItem, at: Date = clock()) => ({
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

export const findKeyById = async (keyId: string): Promise<ApiKeyItem | undefined> => {
  const { data } = await db().entities.apiKey.query.byId({ keyId }).go({ limit: 1 });
  return data[0];
};

/** One page of keys, optionally of one role and, for merchant keys, one merchant (gsi1 prefixes). */
export const listKeys = async (filter: { role?: Principal['role'] | undefined; merchantId?: string | undefined }, limit: number, cursor: string | null) => {
  const role = filter.merchantId ? 'merchant' : filter.role;
  const query = db().entities.apiKey.query;
  const keyed = role ? query.list({ role, ...(filter.merchantId ? { owner: filter.merchantId } : {}) }) : query.list({});
  return keyed.go({ limit, cursor });
};

/**
 * Revokes a key: answers the revoked key, also when it was revoked already (a retried DELETE
 * changes nothing and raises no second event).
 */
export const revokeKey = async (keyId: string, context: EventContext): Promise<ApiKeyItem> => {
  const key = await findKeyById(keyId);
  if (!key) throw new ProblemError('not_found');
  if (key.revokedAt) return key;
  const revokedAt = (context.now ?? clock()).toISOString();
  const event = outboxEvent(ApiKeyRevoked, { keyId, role: key.role, tenantId: key.tenantId ?? null, revokedAt }, context);
  const result = await db()
    .transaction.write(({ apiKey, outbox }) => [
      apiKey
        .patch({ keyHash: key.keyHash })
        .set({ revokedAt })
        .where((attr, { notExists }) => notExists(attr.revokedAt))
        .commit(),
      outbox.create(event).commit(),
    ])
    .go();
  if (!result.canceled) return { ...key, revokedAt };
  const current = await findKeyById(keyId);
  if (current?.revokedAt) return current;
  throw new ApiKeyStoreError(`key ${keyId} was not revoked: ${result.data.map((d) => d.code).join(', ')}`);
};

/**
 * A merchant replaces the key it calls with: a new key now; the calling key keeps working for
 * 24 hours, then stops. A key already rotated or revoked cannot be rotated again (409): one
 * rotation in flight at a time, so a leaked old key cannot mint keys after its overlap.
 */
export const rotateKey = async (caller: Principal, context: EventContext): Promise<{ issued: IssuedKey; item: ApiKeyItem }> => {
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
  const result = await db()
    .transaction.write(({ apiKey, outbox }) => [
      apiKey
        .patch({ keyHash: previous.keyHash })
        .set({ expiresAt: previousExpiresAt, replacedBy: issued.keyId })
        .where((attr, { notExists }) => `${notExists(attr.expiresAt)} AND ${notExists(attr.revokedAt)}`)
        .commit(),
      apiKey.create(item).commit(),
      outbox.create(event).commit(),
    ])
    .go();
  if (result.canceled) {
    if (result.data[0]?.code === 'ConditionalCheckFailed') throw new ProblemError('invalid_state', { params: { state: 'already rotated or revoked' } });
    throw new ApiKeyStoreError(`key ${caller.keyId} was not rotated: ${result.data.map((d) => d.code).join(', ')}`);
  }
  return { issued, item };
};
