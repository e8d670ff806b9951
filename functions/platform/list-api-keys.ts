import * as z from 'zod/mini';
import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { keyView, listKeys } from './api-key-store.js';
import { merchantIdSchema } from './merchants.js';

export const listApiKeysQuery = z
  .extend(listQuery, { role: z.optional(z.enum(['admin', 'merchant', 'finance'])), merchantId: z.optional(merchantIdSchema) })
  .check(z.refine((q) => !q.merchantId || !q.role || q.role === 'merchant', { path: ['merchantId'], message: 'only with role=merchant (or no role)' }));

/** GET /v1/admin/api-keys?role&merchantId: keys by role, then owner, then creation; never the key or its hash. */
export const handler = httpHandler({ access: keyed('admin'), query: listApiKeysQuery }, async ({ query }) => {
  const scope = `api-keys:${query.merchantId ? 'merchant' : (query.role ?? '')}:${query.merchantId ?? ''}`;
  const { data, cursor } = await listKeys(query, query.limit, await readCursor(scope, query.cursor));
  const now = clock();
  return { status: 200, body: await pageOf(scope, data.map((k) => keyView(k, now)), cursor) };
});
