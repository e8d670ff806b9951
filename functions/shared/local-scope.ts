/**
 * The local runtime's per-invocation scope. On AWS each function can read only the secrets
 * the manifest binds to it (`secretsOf`: its role may read those ARNs, nothing else); locally
 * every secret sits in the one process's environment. The local invoker (lib/local/invoke.ts)
 * runs each invocation inside this store, and readSecret refuses a secret outside it, so a
 * missing binding fails locally as it would on AWS. On AWS nothing sets the store.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SecretName } from './contracts.js';

export interface LocalScope {
  readonly functionName: string;
  readonly secrets: ReadonlySet<SecretName>;
}

export const localScope = new AsyncLocalStorage<LocalScope>();
