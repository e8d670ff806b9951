import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { issueApiKey } from '../../functions/shared/api-keys.js';
import type { SecretName } from '../manifest.js';

export interface LocalSecrets {
  readonly values: Record<SecretName, string>;
  /** Which secrets came from the environment rather than being generated or read from the file. */
  readonly fromEnv: ReadonlySet<SecretName>;
  readonly file: string | undefined;
  readonly generated: boolean;
}

const generators: Record<SecretName, () => string> = {
  adminApiKey: () => issueApiKey().apiKey,
  cursorKey: () => randomBytes(32).toString('base64url'),
  // Used only with the offline Stripe stand-in; STRIPE_SECRET_KEY selects real Stripe test mode.
  stripeSecretKey: () => `sk_test_standin_${randomBytes(12).toString('hex')}`,
  stripeWebhookSecret: () => `whsec_${randomBytes(24).toString('base64')}`,
  partnerSecretsKey: () => randomBytes(32).toString('base64url'),
};

const fromEnvironment: Partial<Record<SecretName, string>> = {
  adminApiKey: 'ADMIN_API_KEY',
  stripeSecretKey: 'STRIPE_SECRET_KEY',
  stripeWebhookSecret: 'STRIPE_WEBHOOK_SECRET',
};

/**
 * Local secrets: taken from the environment where API.md allows it, otherwise generated
 * on first start and kept in `<DATA_DIR>/local-secrets.json` (mode 0600), or kept in
 * memory only when DATA_DIR=memory.
 */
export const loadLocalSecrets = (file: string | undefined): LocalSecrets => {
  const stored: Partial<Record<SecretName, string>> =
    file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<SecretName, string>>) : {};
  const values = {} as Record<SecretName, string>;
  const fromEnv = new Set<SecretName>();
  let generated = false;
  for (const name of Object.keys(generators) as SecretName[]) {
    const envName = fromEnvironment[name];
    const envValue = envName ? process.env[envName] : undefined;
    if (envValue) {
      values[name] = envValue;
      fromEnv.add(name);
    } else if (stored[name]) values[name] = stored[name];
    else {
      values[name] = generators[name]();
      generated = true;
    }
  }
  if (file && generated) {
    mkdirSync(dirname(file), { recursive: true });
    const keep = Object.fromEntries(Object.entries(values).filter(([name]) => !fromEnv.has(name as SecretName)));
    writeFileSync(file, `${JSON.stringify({ ...stored, ...keep }, null, 2)}\n`, { mode: 0o600 });
  }
  return { values, fromEnv, file, generated };
};
