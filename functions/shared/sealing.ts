/**
 * Sealing secrets for storage: AES-256-GCM under a key derived from configured key
 * material (Secrets Manager on AWS) and a per-use label, so one key material can seal
 * several kinds of secret without one kind ever opening as another.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const sealVersion = 'v1';
const ivBytes = 12;
const tagBytes = 16;

/** A sealed secret that cannot be opened: malformed, tampered with, or sealed under another key or label. */
export class SealedSecretError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealedSecretError';
  }
}

/** The AES-256 key: SHA-256 over the label and the configured key material. */
const deriveKey = (key: string, label: string): Buffer => {
  if (key === '') throw new SealedSecretError('the sealing key is empty');
  return createHash('sha256').update(label).update('\0').update(key, 'utf8').digest();
};

/** `v1.<iv>.<ciphertext>.<tag>`, each part base64url; the label and version are authenticated too. */
export const sealWithLabel = (secret: string, key: string, label: string): string => {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(key, label), iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(label, 'utf8'));
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

/** The secret `sealWithLabel` sealed; throws SealedSecretError when it was altered, or the key or label is wrong. */
export const openWithLabel = (sealed: string, key: string, label: string): string => {
  const parts = sealed.split('.');
  const [version, ivText, ciphertextText, tagText] = parts;
  if (parts.length !== 4 || version !== sealVersion || ivText === undefined || ciphertextText === undefined || tagText === undefined) {
    throw new SealedSecretError('sealed secret is malformed');
  }
  const iv = decodePart(ivText);
  const ciphertext = decodePart(ciphertextText);
  const tag = decodePart(tagText);
  if (iv.length !== ivBytes || tag.length !== tagBytes) throw new SealedSecretError('sealed secret is malformed');
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(key, label), iv, { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(label, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new SealedSecretError('sealed secret does not authenticate (tampered, or another key)', { cause });
  }
};

/** A new webhook secret: `whsec_` + base64 of 32 random bytes (the Standard Webhooks format). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
