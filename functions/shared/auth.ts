import { timingSafeEqual } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { hashApiKey, rootPrincipal, type Principal } from './api-keys.js';
import { documentClient } from './clients/dynamodb.js';
import { now } from './clock.js';
import { config } from './config.js';
import { roles as allRoles, type Role } from './contracts.js';
import { ProblemError } from './errors.js';
import type { RouteAccess } from './http.js';
import { readSecret } from './secrets.js';

/**
 * Resolves `Authorization: Bearer <key>` to a principal and checks the route's roles.
 * Key lookups are cached per runtime for a minute (the "authorizer cache"): a new key
 * works at once, a revoked one stops within a minute, and a rotated one stops when its
 * overlap ends (the cache never outlives `expiresAt`). Time is the business clock
 * (functions/shared/clock.ts), so the local runtime's clock can show both.
 *
 * One GetItem on the key's hash, with no entity framework: every keyed bundle carries this
 * module, so it stays small (the item is the one platform/api-key-store.ts writes; its layout
 * is held to the apiKey entity by a unit test).
 */
const cacheMs = 60_000;
const cacheLimit = 1_000;
const cache = new Map<string, { principal: Principal; expires: number }>();

/** The auth scheme is case-insensitive (RFC 7235 §2.1): `bearer <key>` works too; the key is a token68. */
const bearer = /^bearer +([A-Za-z0-9_\-.~+/]+=*)$/i;

/** The stored key item, validated where it is read. */
const storedKey = z.object({
  keyId: z.string(),
  role: z.enum(allRoles),
  tenantId: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
});

const sameHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The key item's table key (platform/api-key-store.ts writes it). */
export const apiKeyItemKey = (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' });

const lookup = async (keyHash: string): Promise<Principal | undefined> => {
  const at = now().getTime();
  const hit = cache.get(keyHash);
  if (hit && hit.expires > at) return hit.principal;
  if (sameHash(keyHash, hashApiKey(await readSecret('adminApiKey')))) return rootPrincipal;
  const { Item } = await documentClient.send(new GetCommand({ TableName: config.tableName(), Key: apiKeyItemKey(keyHash) }));
  if (!Item) return undefined;
  const data = storedKey.parse(Item);
  if (data.revokedAt) return undefined;
  const ends = data.expiresAt ? Date.parse(data.expiresAt) : Number.POSITIVE_INFINITY;
  if (ends <= at) return undefined;
  const principal: Principal = { keyId: data.keyId, role: data.role, tenantId: data.tenantId ?? null };
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(keyHash, { principal, expires: Math.min(at + cacheMs, ends) });
  return principal;
};

export const authenticate = async (roles: readonly Role[], authorization: string | undefined): Promise<Principal> => {
  const match = authorization ? bearer.exec(authorization.trim()) : null;
  const key = match?.[1];
  if (!key) throw new ProblemError('unauthenticated');
  const principal = await lookup(hashApiKey(key));
  if (!principal) throw new ProblemError('unauthenticated');
  if (!roles.includes(principal.role)) throw new ProblemError('forbidden');
  return principal;
};

/** A keyed route's access: the roles whose keys may call it. Only keyed bundles carry this module. */
export const keyed = (...roles: Role[]): RouteAccess => ({ auth: roles, authenticate: (authorization) => authenticate(roles, authorization) });

/** For tests: forget cached keys. */
export const clearAuthCache = (): void => cache.clear();
