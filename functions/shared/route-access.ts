import type { Principal } from './api-keys.js';
import type { RouteAuth } from './contracts.js';

/**
 * Who may call a route, stated by the handler next to its code (a unit test proves the
 * manifest's route says the same). Keyed routes get theirs from `keyed(...)` in auth.ts, so
 * only keyed bundles carry the key lookup; public routes use `publicRoute`.
 */
export interface RouteAccess {
  readonly auth: RouteAuth;
  readonly authenticate?: (authorization: string | undefined) => Promise<Principal>;
}

/** A route anyone may call (no API key). */
export const publicRoute: RouteAccess = { auth: 'public' };
