import { timingSafeEqual } from 'node:crypto';
import type { RouteSpec } from '../../lib/manifest.js';
import { hashApiKey, rootPrincipal, type Principal } from './api-keys.js';
import { now } from './clock.js';
import { db } from './db/service.js';
import { ProblemError } from './errors.js';
import { readSecret } from './secrets.js';

/**
 * Resolves `Authorization: Bearer <key>` to a principal and checks the route's roles.
 * Key lookups are cached per runtime for a minute (the "authorizer cache"): a new key
 * works at once, a revoked one stops within a minute, and a rotated one stops when its
 * overlap ends (the cache never outlives `expiresAt`). Time is the business clock
 * (functions/shared/clock.ts), so the local runtime's clock can show both.
 */
const cacheMs = 60_000;
const cacheLimit = 1_000;
const cache = new Map<string, { principal: Principal; expires: number }>();

/** The auth scheme is case-insensitive (RFC 7235 §2.1): `bearer <key>` works too; the key is a token68. */
const bearer = /^bearer +([A-Za-z0-9_\-.~+/]+=*)$/i;

const sameHash = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
};

const lookup = async (keyHash: string): Promise<Principal | undefined> => {
  const at = now().getTime();
  const hit = cache.get(keyHash);
  if (hit && hit.expires > at) return hit.principal;
  if (sameHash(keyHash, hashApiKey(await readSecret('adminApiKey')))) return rootPrincipal;
  const { data } = await db().entities.apiKey.get({ keyHash }).go();
  if (!data || data.revokedAt) return undefined;
  const ends = data.expiresAt ? Date.parse(data.expiresAt) : Number.POSITIVE_INFINITY;
  if (ends <= at) return undefined;
  const principal: Principal = { keyId: data.keyId, role: data.role, tenantId: data.tenantId ?? null };
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(keyHash, { principal, expires: Math.min(at + cacheMs, ends) });
  return principal;
};

export const authenticate = async (
  route: Pick<RouteSpec, 'auth'>,
  authorization: string | undefined,
): Promise<Principal | null> => {
  if (route.auth === 'public') return null;
  const match = authorization ? bearer.exec(authorization.trim()) : null;
  const key = match?.[1];
  if (!key) throw new ProblemError('unauthenticated');
  const principal = await lookup(hashApiKey(key));
  if (!principal) throw new ProblemError('unauthenticated');
  if (!route.auth.includes(principal.role)) throw new ProblemError('forbidden');
  return principal;
};

/** For tests: forget cached keys. */
export const clearAuthCache = (): void => cache.clear();
