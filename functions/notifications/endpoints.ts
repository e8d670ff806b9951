/** Merchant webhook endpoints: request shapes, views, secrets (sealed) and the URL check. */
import { ulid } from 'ulid';
import * as z from 'zod/mini';
import { webhookTypes } from '../../events/webhooks/payloads.js';
import { config } from '../shared/config.js';
import { ProblemError } from '../shared/errors.js';
import { parseStored, storedOptional } from '../shared/db/stored-item.js';
import { newWebhookSecret, openWithLabel, sealWithLabel } from '../shared/sealing.js';
import { readSecret } from '../shared/secrets.js';
import { readEndpoint } from './endpoint-read.js';
import { checkWebhookUrl, UrlRefusedError } from './url-guard.js';
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

const eventList = z
  .array(z.enum(webhookTypes))
  .check(z.minLength(1), z.maxLength(webhookTypes.length), z.refine((events) => new Set(events).size === events.length, 'each event type at most once'));
const url = z.string().check(z.trim(), z.minLength(1), z.maxLength(2048));

export const createEndpointBody = z.strictObject({ url, events: eventList });
export const updateEndpointBody = z
  .strictObject({ url: z.optional(url), events: z.optional(eventList), status: z.optional(z.enum(['enabled', 'disabled'])) })
  .check(z.refine((b) => b.url !== undefined || b.events !== undefined || b.status !== undefined, 'name at least one of url, events, status'));
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

/** The URL check at registration: a refusal is `400 validation_failed` on `url`. */
export const requireSafeUrl = async (raw: string): Promise<string> => {
  try {
    return (await checkWebhookUrl(raw, { enforce: enforceUrlSafety() })).toString();
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    const message = {
      not_a_url: 'not an absolute URL',
      scheme: enforceUrlSafety() ? 'must be an https:// URL' : 'must be an http:// or https:// URL',
      credentials: 'must not carry a user name or password',
      internal_host: 'must not resolve to a loopback, private, link-local or metadata address',
      unresolvable: 'host does not resolve',
    }[error.reason];
    throw new ProblemError('validation_failed', { errors: [{ path: 'url', message }] });
  }
};

export const getEndpoint = async (merchantId: string, endpointId: string): Promise<WebhookEndpointRecord> => {
  const endpoint = await readEndpoint(merchantId, endpointId);
  if (!endpoint) throw new ProblemError('not_found');
  return endpoint;
};
