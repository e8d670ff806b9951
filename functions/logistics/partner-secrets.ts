/**
 * Logistics partners' webhook secrets: creating them (Standard Webhooks `whsec_` format),
 * sealing them for storage (AES-256-GCM under a key from Secrets Manager) and verifying
 * signed deliveries with the Standard Webhooks reference library.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { ProblemError } from '../shared/errors.js';

/** A new partner secret: `whsec_` + base64 of 32 random bytes (the Standard Webhooks format). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

// ---------------------------------------------------------------------------------------
// Sealing for storage

const sealVersion = 'v1';
const sealLabel = 'xborder/logistics/partner-webhook-secret/seal/v1';
const ivBytes = 12;
const tagBytes = 16;

/** A sealed secret that cannot be opened: malformed, tampered with, or sealed under another key. */
export class SealedSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedSecretError';
  }
}

/** The AES-256 key: SHA-256 over a domain label and the configured key material. */
const deriveKey = (key: string): Buffer => {
  if (key === '') throw new SealedSecretError('the sealing key is empty');
  return createHash('sha256').update(sealLabel).update('\0').update(key, 'utf8').digest();
};

/** `v1.<iv>.<ciphertext>.<tag>`, each part base64url; the label and version are authenticated too. */
export const sealSecret = (secret: string, key: string): string => {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(key), iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(sealLabel, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [sealVersion, iv, ciphertext, tag].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
};

const base64url = /^[A-Za-z0-9_-]*$/;

const decodePart = (part: string): Buffer => {
  const bytes = Buffer.from(part, 'base64url');
  // Buffer.from skips characters it does not know: insist on the canonical encoding.
  if (!base64url.test(part) || bytes.toString('base64url') !== part) throw new SealedSecretError('sealed secret is malformed');
  return bytes;
};

/** The secret `sealSecret` sealed; throws SealedSecretError when it was altered or the key is wrong. */
export const openSecret = (sealed: string, key: string): string => {
  const parts = sealed.split('.');
  const [version, ivText, ciphertextText, tagText] = parts;
  if (parts.length !== 4 || version !== sealVersion || ivText === undefined || ciphertextText === undefined || tagText === undefined) {
    throw new SealedSecretError('sealed secret is malformed');
  }
  const iv = decodePart(ivText);
  const ciphertext = decodePart(ciphertextText);
  const tag = decodePart(tagText);
  if (iv.length !== ivBytes || tag.length !== tagBytes) throw new SealedSecretError('sealed secret is malformed');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(key), iv, { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(sealLabel, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SealedSecretError('sealed secret does not authenticate (tampered, or another key)', { cause });
  }
};

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
