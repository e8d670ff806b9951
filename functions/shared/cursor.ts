import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemError } from './errors.js';

/**
 * Opaque, tamper-evident list cursors: base64url(payload) "." base64url(HMAC-SHA256).
 * The MAC covers a scope (route and tenant), so a cursor is valid only for the list
 * that issued it; an edited, truncated or foreign cursor is a 400.
 */
const mac = (key: string, scope: string, payload: string): Buffer =>
  createHmac('sha256', key).update(scope).update('\n').update(payload).digest();

export const encodeCursor = (key: string, scope: string, position: unknown): string => {
  const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
  return `${payload}.${mac(key, scope, payload).toString('base64url')}`;
};

const invalid = () =>
  new ProblemError('validation_failed', { errors: [{ path: 'cursor', message: 'cursor is invalid or was issued for another list' }] });

export const decodeCursor = (key: string, scope: string, cursor: string): unknown => {
  const [payload, signature, extra] = cursor.split('.');
  if (!payload || !signature || extra !== undefined) throw invalid();
  // Compare the encoded text, not decoded bytes: base64's unused trailing bits must not let an edit through.
  const expected = Buffer.from(mac(key, scope, payload).toString('base64url'), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ProblemError('validation_failed', { cause, errors: [{ path: 'cursor', message: 'cursor is invalid' }] });
  }
};
