/**
 * Names both sides of the system share: the handlers (functions/) and the infrastructure
 * that wires them (lib/manifest.ts imports these). Import-free on purpose: a handler bundle
 * that needs a role or a secret name carries these few lines, never the manifest.
 */

/** The largest request body a route reads (413 `payload_too_large` beyond; the problem pages quote it). */
export const bodyLimitBytes = 256 * 1024;

export const roles = ['admin', 'merchant', 'finance'] as const;
export type Role = (typeof roles)[number];

/** Who may call a route: `public` needs no key; otherwise the roles whose keys may call it. */
export type RouteAuth = 'public' | readonly Role[];

/**
 * Secrets a function reads. Locally the value itself is in the environment variable named
 * here; on AWS the variable `<NAME>_SECRET_ARN` points at a Secrets Manager secret read once
 * per cold start (functions/shared/secrets.ts).
 */
export const secretEnv = {
  adminApiKey: 'ADMIN_API_KEY',
  cursorKey: 'CURSOR_KEY',
  stripeSecretKey: 'STRIPE_SECRET_KEY',
  stripeWebhookSecret: 'STRIPE_WEBHOOK_SECRET',
  /** Seals logistics partners' webhook secrets at rest (AES-256-GCM key material). */
  partnerSecretsKey: 'PARTNER_SECRETS_KEY',
} as const;
export type SecretName = keyof typeof secretEnv;

/** The table attribute each item's entity name is stored in (ElectroDB's layout; stream filters and the relay read it). */
export const entityAttribute = '__edb_e__';
