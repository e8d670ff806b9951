import * as z from 'zod/mini';
import { issueApiKey } from '../shared/api-keys.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requirePrincipal } from '../shared/http.js';
import { requestContext } from '../shared/outbox.js';
import { createApiKey, keyView } from './api-key-store.js';
import { getMerchant, merchantIdSchema } from './merchants.js';

const body = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('finance') }),
  z.strictObject({ role: z.literal('merchant'), merchantId: merchantIdSchema }),
]);
export { body as createApiKeyBody };

/**
 * POST /v1/admin/api-keys: the operator issues a finance key, or another key of an enrolled
 * merchant (to replace a lost one). The key is in this answer only.
 */
export const handler = httpHandler({ access: keyed('admin'), body }, async (request) => {
  const issuer = requirePrincipal(request);
  const tenantId = request.body.role === 'merchant' ? request.body.merchantId : null;
  if (tenantId) {
    if (!(await getMerchant(tenantId))) throw new ProblemError('not_found');
  }
  const issued = issueApiKey();
  const record = await createApiKey(issued, { role: request.body.role, tenantId, createdBy: issuer.keyId }, requestContext(request));
  const { id, role, merchantId, createdAt, last4 } = keyView(record);
  return { status: 201, body: { apiKey: issued.apiKey, key: { id, role, ...(merchantId ? { merchantId } : {}), createdAt, last4 } } };
});
