/** Merchant webhook endpoints: the path, views and secrets (sealed). What create and update accept: endpoint-requests.ts. */
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { config } from '../shared/config.js';
import { ProblemError } from '../shared/errors.js';
import { parseStored, storedOptional } from '../shared/db/stored-item.js';
import { newWebhookSecret, openWithLabel, sealWithLabel } from '../shared/sealing.js';
import { readSecret } from '../shared/secrets.js';
import { readEndpoint } from './endpoint-read.js';
import type { WebhookEndpointRecord } from './webhook-items.js';

export { maxEndpointsPerMerchant } from './policy.js';

/** How long the old secret keeps signing after a rollover. */
export const rolloverOverlapMs = 24 * 3600_000;

/**
 * Webhook secrets are sealed with the partner-secrets key material under their own label:
 * one Secrets Manager secret, two keys that cannot open each other's secrets (ADR 0032).
 */
const sealLabel = 'xborder/notifications/merchant-webhook-secret/seal/v1';

export const newEndpointId = (): string => `we_${ulid()}`;

export const endpointPath = z.object({ id: z.string().check(z.regex(/^we_[0-9A-HJKMNP-TV-Z]{26}$/, 'an endpoint id')) });

export interface StoredSecret {
  readonly sealed: string;
  readonly createdAt: string;
  readonly expiresAt?: string | undefined;
}

const storedSecrets: z.ZodMiniType<StoredSecret[]> = z.lazy(() =>
  z.array(z.object({ sealed: z.string(), createdAt: z.string(), expiresAt: storedOptional(z.string()) })),
);

/** An endpoint's stored signing secrets, validated where they are read. */
export const secretsOf = (endpoint: Pick<WebhookEndpointRecord, 'endpointId' | 'secrets'>): StoredSecret[] =>
  parseStored(storedSecrets, endpoint.secrets, `webhook endpoint ${endpoint.endpointId} secrets`);

/** The secrets that sign now: the current one, and during a rollover the previous one until it expires. */
export const signingSecrets = async (endpoint: WebhookEndpointRecord, now: Date): Promise<string[]> => {
  const key = await readSecret('partnerSecretsKey');
  return secretsOf(endpoint)
    .filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now.getTime())
    .map((s) => openWithLabel(s.sealed, key, sealLabel));
};

export const issueEndpointSecret = async (now: Date): Promise<{ secret: string; stored: StoredSecret }> => {
  const secret = newWebhookSecret();
  return { secret, stored: { sealed: sealWithLabel(secret, await readSecret('partnerSecretsKey'), sealLabel), createdAt: now.toISOString() } };
};

export const endpointView = (endpoint: WebhookEndpointRecord) => ({
  id: endpoint.endpointId,
  url: endpoint.url,
  events: endpoint.events,
  status: endpoint.status,
  ...(endpoint.disabledReason ? { disabledReason: endpoint.disabledReason } : {}),
  createdAt: endpoint.createdAt,
  updatedAt: endpoint.updatedAt,
});

/** AWS stages enforce https and public addresses; locally http:// to loopback is allowed. */
export const enforceUrlSafety = (): boolean => config.stage() !== 'local';

export const getEndpoint = async (merchantId: string, endpointId: string): Promise<WebhookEndpointRecord> => {
  const endpoint = await readEndpoint(merchantId, endpointId);
  if (!endpoint) throw new ProblemError('not_found');
  return endpoint;
};
