import { jest } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  InvalidSignatureError,
  SealedSecretError,
  newWebhookSecret,
  openSecret,
  sealSecret,
  verifyPartnerDelivery,
} from '../../../functions/logistics/partner-secrets.js';
import type { InvalidSignatureReason } from '../../../functions/logistics/partner-secrets.js';
import { ProblemError } from '../../../functions/shared/errors.js';

describe('newWebhookSecret', () => {
  it('is whsec_ + base64 of 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});

describe('sealSecret / openSecret', () => {
  const key = 'sealing-key-from-secrets-manager';

  it('round-trips, with a fresh IV each time', () => {
    const secret = newWebhookSecret();
    const sealed = sealSecret(secret, key);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(openSecret(sealed, key)).toBe(secret);
    expect(sealSecret(secret, key)).not.toBe(sealed);
    expect(openSecret(sealSecret('', key), key)).toBe('');
  });

  const flip = (text: string, index: number): string => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[index] = (bytes[index] ?? 0) ^ 0x01;
    return bytes.toString('base64url');
  };

  it.each([
    ['the ciphertext', 2],
    ['the IV', 1],
    ['the tag', 3],
  ])('refuses a change to %s', (_name, part) => {
    const parts = sealSecret(newWebhookSecret(), key).split('.');
    parts[part] = flip(parts[part]!, 0);
    expect(() => openSecret(parts.join('.'), key)).toThrow(SealedSecretError);
  });

  it('refuses the wrong key', () => {
    const sealed = sealSecret(newWebhookSecret(), key);
    expect(() => openSecret(sealed, `${key}x`)).toThrow(SealedSecretError);
    expect(() => openSecret(sealed, '')).toThrow(SealedSecretError);
  });

  it.each([
    ['another version', (sealed: string) => sealed.replace(/^v1\./, 'v2.')],
    ['a missing part', (sealed: string) => sealed.split('.').slice(0, 3).join('.')],
    ['an extra part', (sealed: string) => `${sealed}.AA`],
    ['non-base64url characters', (sealed: string) => `${sealed}=`],
    ['a truncated tag', (sealed: string) => sealed.slice(0, -2)],
    ['plain text', () => 'whsec_abc'],
  ])('refuses %s', (_name, change) => {
    expect(() => openSecret(change(sealSecret(newWebhookSecret(), key)), key)).toThrow(SealedSecretError);
  });
});

describe('verifyPartnerDelivery', () => {
  const now = Date.UTC(2025, 8, 1, 8, 0, 0);
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret();
  const body = JSON.stringify({ events: [{ eventId: 'e1', trackingNumber: 'T1', status: 'picked_up', occurredAt: '2025-09-01T07:59:00Z' }] });

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(now);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Headers as a partner sends them, signed with the real library. */
  const signedHeaders = (secrets: readonly string[], payload = body, at = now, id = 'msg_2mFx3'): Record<string, string> => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, new Date(at), payload)).join(' '),
  });

  const reasonOf = (run: () => unknown): InvalidSignatureReason | undefined => {
    try {
      run();
    } catch (error) {
      if (error instanceof InvalidSignatureError) return error.reason;
      throw error;
    }
    return undefined;
  };

  it('returns the parsed body of a valid delivery', () => {
    expect(verifyPartnerDelivery(body, signedHeaders([newSecret]), [newSecret])).toEqual(JSON.parse(body));
  });

  it('matches header names case-insensitively', () => {
    const headers = Object.fromEntries(Object.entries(signedHeaders([newSecret])).map(([name, value]) => [name.toUpperCase(), value]));
    expect(verifyPartnerDelivery(body, headers, [newSecret])).toEqual(JSON.parse(body));
  });

  it('refuses a signature made with another key', () => {
    expect(reasonOf(() => verifyPartnerDelivery(body, signedHeaders([newWebhookSecret()]), [newSecret]))).toBe('no_matching_signature');
  });

  it('refuses a tampered body', () => {
    const tampered = body.replace('picked_up', 'delivered');
    expect(reasonOf(() => verifyPartnerDelivery(tampered, signedHeaders([newSecret]), [newSecret]))).toBe('no_matching_signature');
  });

  it('refuses a changed webhook-id', () => {
    const headers = { ...signedHeaders([newSecret]), 'webhook-id': 'msg_other' };
    expect(reasonOf(() => verifyPartnerDelivery(body, headers, [newSecret]))).toBe('no_matching_signature');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a delivery without %s', (name) => {
    const headers: Record<string, string | undefined> = { ...signedHeaders([newSecret]) };
    delete headers[name];
    expect(reasonOf(() => verifyPartnerDelivery(body, headers, [newSecret]))).toBe('missing_headers');
    expect(reasonOf(() => verifyPartnerDelivery(body, { ...headers, [name]: '' }, [newSecret]))).toBe('missing_headers');
    expect(reasonOf(() => verifyPartnerDelivery(body, { ...headers, [name]: undefined }, [newSecret]))).toBe('missing_headers');
  });

  it('accepts a timestamp 300 s away and refuses one 301 s old or 301 s in the future', () => {
    expect(verifyPartnerDelivery(body, signedHeaders([newSecret], body, now - 300_000), [newSecret])).toEqual(JSON.parse(body));
    expect(verifyPartnerDelivery(body, signedHeaders([newSecret], body, now + 300_000), [newSecret])).toEqual(JSON.parse(body));
    expect(reasonOf(() => verifyPartnerDelivery(body, signedHeaders([newSecret], body, now - 301_000), [newSecret]))).toBe(
      'timestamp_too_old',
    );
    expect(reasonOf(() => verifyPartnerDelivery(body, signedHeaders([newSecret], body, now + 301_000), [newSecret]))).toBe(
      'timestamp_too_new',
    );
  });

  it('refuses a timestamp that is not a number', () => {
    const headers = { ...signedHeaders([newSecret]), 'webhook-timestamp': 'yesterday' };
    expect(reasonOf(() => verifyPartnerDelivery(body, headers, [newSecret]))).toBe('malformed_timestamp');
  });

  it('verifies against either secret during a rollover', () => {
    expect(verifyPartnerDelivery(body, signedHeaders([oldSecret]), [oldSecret, newSecret])).toEqual(JSON.parse(body));
    expect(verifyPartnerDelivery(body, signedHeaders([newSecret]), [oldSecret, newSecret])).toEqual(JSON.parse(body));
    expect(reasonOf(() => verifyPartnerDelivery(body, signedHeaders([newWebhookSecret()]), [oldSecret, newSecret]))).toBe(
      'no_matching_signature',
    );
  });

  it('verifies a header carrying two signatures with the new secret alone', () => {
    const headers = signedHeaders([oldSecret, newSecret]);
    expect(headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(verifyPartnerDelivery(body, headers, [newSecret])).toEqual(JSON.parse(body));
    expect(verifyPartnerDelivery(body, headers, [oldSecret])).toEqual(JSON.parse(body));
  });

  it('refuses every delivery when the partner has no active secret', () => {
    expect(reasonOf(() => verifyPartnerDelivery(body, signedHeaders([newSecret]), []))).toBe('no_active_secret');
  });

  it('throws one generic 401 invalid_signature problem whatever failed', () => {
    const failures = [
      () => verifyPartnerDelivery(body, {}, [newSecret]),
      () => verifyPartnerDelivery(body, signedHeaders([newSecret], body, now - 301_000), [newSecret]),
      () => verifyPartnerDelivery(`${body} `, signedHeaders([newSecret]), [newSecret]),
    ];
    for (const failure of failures) {
      let caught: unknown;
      try {
        failure();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidSignatureError);
      expect(caught).toBeInstanceOf(ProblemError);
      expect(caught).toMatchObject({ code: 'invalid_signature', status: 401, message: 'invalid_signature', cause: undefined });
    }
  });

  it('reports a correctly signed body that is not JSON as malformed_json, not as a bad signature', () => {
    const text = 'not json';
    expect(() => verifyPartnerDelivery(text, signedHeaders([newSecret], text), [newSecret])).toThrow(
      expect.objectContaining({ code: 'malformed_json', status: 400 }),
    );
  });

  it('treats a secret that is not in whsec_ form as a configuration error', () => {
    expect(() => verifyPartnerDelivery(body, signedHeaders([newSecret]), ['whsec_!!not base64!!'])).toThrow(
      /not a valid whsec_ secret/,
    );
  });
});
