import { createHash, randomBytes } from 'node:crypto';
import type { Role } from './contracts.js';
import { newId } from './ids.js';

/** An API key: `xbk_` + 32 random bytes (base64url). Shown once; stored as its SHA-256. */
export interface IssuedKey {
  readonly apiKey: string;
  readonly keyId: string;
  readonly keyHash: string;
  readonly keyPreview: string;
}

export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey, 'utf8').digest('hex');

export const issueApiKey = (): IssuedKey => {
  const apiKey = `xbk_${randomBytes(32).toString('base64url')}`;
  return { apiKey, keyId: newId('key'), keyHash: hashApiKey(apiKey), keyPreview: `xbk_…${apiKey.slice(-4)}` };
};

/** Who is calling: the role and, for merchants, the tenant every query is scoped by. */
export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  readonly tenantId: string | null;
}

/** The root operator key (ADMIN_API_KEY) has no stored record; its principal is fixed. */
export const rootPrincipal: Principal = { keyId: 'admin', role: 'admin', tenantId: null };
