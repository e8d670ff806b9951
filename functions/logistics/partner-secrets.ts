/**
 * Logistics partners' webhook secrets: creating them (Standard Webhooks `whsec_` format),
 * sealing them for storage (AES-256-GCM under a key from Secrets Manager) and verifying
 * signed deliveries with the Standard Webhooks reference library.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { ProblemError } from '../shared/errors.js';
import { newWebhookSecret, openWithLabel, SealedSecretError, sealWithLabel } from '../shared/sealing.js';

export { newWebhookSecret, SealedSecretError };

// ---------------------------------------------------------------------------------------
// Sealing for storage (functions/shared/sealing.ts, under this label)

const sealLabel = 'xborder/logistics/partner-webhook-secret/seal/v1';

/** `v1.<iv>.<ciphertext>.<tag>`, each part base64url; the label and version are authenticated too. */
export const sealSecret = (secret: string, key: string): string => sealWithLabel(secret, key, sealLabel);

/** The secret `sealSecret` sealed; throws SealedSecretError when it was altered or the key is wrong. */
export const openSecret = (sealed: string, key: string): string => openWithLabel(sealed, key, sealLabel);

// ---------------------------------------------------------------------------------------
// Verifying deliveries

/** Why a delivery was refused: for logs only, never for the partner. */
export type InvalidSignatureReason =
  | 'missing_headers'
  | 'malformed_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'no_active_secret';

/**
 * A delivery whose signature does not verify. It is the `401 invalid_signature` problem
 * itself, with the same generic message whatever failed; `reason` says what, for logs.
 */
export class InvalidSignatureError extends ProblemError {
  constructor(readonly reason: InvalidSignatureReason) {
    super('invalid_signature');
    this.name = 'InvalidSignatureError';
  }
}

const signatureHeaders = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** The library's messages, mapped to reasons (it throws one error class for every failure). */
const reasonOf = (error: WebhookVerificationError): InvalidSignatureReason => {
  switch (error.message) {
    case 'Message timestamp too old':
      return 'timestamp_too_old';
    case 'Message timestamp too new':
      return 'timestamp_too_new';
    case 'Invalid Signature Headers':
      return 'malformed_timestamp';
    case 'Missing required headers':
      return 'missing_headers';
    default:
      return 'no_matching_signature';
  }
};

/**
 * Verifies a partner delivery (Standard Webhooks) against each of the partner's active
 * secrets (two during a rollover; the `webhook-signature` header may carry several `v1,`
 * signatures, any one matching is enough) and returns the parsed JSON body.
 *
 * Header names are matched case-insensitively. Throws InvalidSignatureError when a header
 * is missing, the timestamp is more than 300 s away from now (the library's tolerance) or no
 * signature matches any secret; `ProblemError('malformed_json')` when a correctly signed
 * body is not JSON. A secret that is not in `whsec_` form is a configuration error (Error).
 */
export const verifyPartnerDelivery = (
  rawBody: string,
  headers: Readonly<Record<string, string | undefined>>,
  secrets: readonly string[],
): unknown => {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const signed: Record<string, string> = {};
  for (const name of signatureHeaders) {
    const value = lower.get(name)?.trim();
    if (!value) throw new InvalidSignatureError('missing_headers');
    signed[name] = value;
  }
  if (secrets.length === 0) throw new InvalidSignatureError('no_active_secret');

  let reason: InvalidSignatureReason = 'no_matching_signature';
  for (const secret of secrets) {
    let webhook: Webhook;
    try {
      webhook = new Webhook(secret);
    } catch (cause) {
      throw new Error('a logistics partner webhook secret is not a valid whsec_ secret', { cause });
    }
    try {
      webhook.verify(rawBody, signed, { jsonParse: false });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      reason = reasonOf(error);
      // The timestamp check comes first and does not depend on the secret.
      if (reason !== 'no_matching_signature') break;
      continue;
    }
    try {
      return JSON.parse(rawBody) as unknown;
    } catch (cause) {
      throw new ProblemError('malformed_json', { cause });
    }
  }
  throw new InvalidSignatureError(reason);
};
