import * as z from 'zod/mini';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { requestContext } from '../shared/outbox.js';
import { keyView, revokeKey } from './api-key-store.js';

export const apiKeyPath = z.object({ id: z.string().check(z.regex(/^key_[A-Za-z0-9]{1,60}$/, 'a key id (key_...)')) });

/**
 * DELETE /v1/admin/api-keys/{id}: revokes a key. Every runtime stops accepting it within a
 * minute (its auth cache). Revoking a revoked key answers the same and changes nothing.
 */
export const handler = httpHandler({ access: keyed('admin'), path: apiKeyPath }, async (request) => {
  const key = await revokeKey(request.path.id, requestContext(request));
  return { status: 200, body: { key: keyView(key) } };
});
