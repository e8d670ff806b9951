import { createHash } from 'node:crypto';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with object keys sorted, so the same request body always hashes the same. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** The fingerprint compared on replay: same key + different body is `idempotency_key_reused`. */
export const requestHash = (body: unknown): string => sha256(canonicalJson(body));

/** Whether a replay is the request that was answered first (else: `idempotency_key_reused`). */
export const sameRequest = (storedHash: string, hash: string): boolean => storedHash === hash;

/** Keys are stored hashed (they may carry client data) and scoped by tenant. */
export const keyHash = (idempotencyKey: string): string => sha256(idempotencyKey);

/** A stable token derived from parts, for downstream idempotency keys (Stripe) and deterministic IDs. */
export const derivedToken = (...parts: string[]): string => sha256(parts.join('\n'));

/** Idempotency records live at least 24 hours (Stripe keeps its keys 24 h); 48 h to be safe. */
export const idempotencyTtlSeconds = 48 * 3600;
