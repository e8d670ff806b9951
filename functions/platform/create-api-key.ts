import * as z from 'zod';
import { issueApiKey } from '../shared/api-keys.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requirePrincipal } from '../shared/http.js';
import { createApiKey } from './api-key-store.js';

const body = z.object({ role: z.literal('finance') });
export { body as createApiKeyBody };

/** POST /v1/admin/api-keys: the operator issues a finance key. The key is in this answer only. */
export const handler = httpHandler({ access: keyed('admin'), body }, async (request) => {
  const issuer = requirePrincipal(request);
  const issued = issueApiKey();
  const record = await createApiKey(issued, { role: request.body.role, tenantId: null, createdBy: issuer.keyId }, request.correlationId);
  return {
    status: 201,
    body: { apiKey: issued.apiKey, key: { id: record.keyId, role: record.role, preview: record.keyPreview, createdAt: record.createdAt } },
  };
});
