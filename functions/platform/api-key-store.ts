import type { Role } from '../shared/contracts.js';
import type { IssuedKey } from '../shared/api-keys.js';
import type { ApiKeyItem, OutboxItem } from '../shared/db/entities.js';
import { db } from '../shared/db/service.js';
import { outboxEvent } from '../shared/outbox.js';
import { ApiKeyCreated } from '../../events/schemas/platform.js';

export class ApiKeyStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiKeyStoreError';
  }
}

export interface KeyGrant {
  readonly role: Role;
  readonly tenantId: string | null;
  readonly createdBy: string;
}

/** The stored form of a new key (its hash, never the key) and its `ApiKeyCreated` event. */
export const apiKeyRecord = (
  issued: IssuedKey,
  grant: KeyGrant,
  correlationId: string,
  now = new Date(),
): { item: ApiKeyItem; event: OutboxItem } => {
  const createdAt = now.toISOString();
  const item: ApiKeyItem = {
    keyHash: issued.keyHash,
    keyId: issued.keyId,
    role: grant.role,
    ...(grant.tenantId ? { tenantId: grant.tenantId } : {}),
    keyPreview: issued.keyPreview,
    createdBy: grant.createdBy,
    createdAt,
  };
  const event = outboxEvent(
    ApiKeyCreated,
    { keyId: issued.keyId, role: grant.role, tenantId: grant.tenantId, createdBy: grant.createdBy, createdAt },
    { correlationId, now },
  );
  return { item, event };
};

/** Stores a new key's hash and its `ApiKeyCreated` event in one transaction. */
export const createApiKey = async (issued: IssuedKey, grant: KeyGrant, correlationId: string): Promise<ApiKeyItem> => {
  const { item, event } = apiKeyRecord(issued, grant, correlationId);
  const result = await db()
    .transaction.write(({ apiKey, outbox }) => [apiKey.create(item).commit(), outbox.create(event).commit()])
    .go();
  if (result.canceled) throw new ApiKeyStoreError(`could not store key ${issued.keyId}`);
  return item;
};
