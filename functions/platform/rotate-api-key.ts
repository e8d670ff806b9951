import { keyed } from '../shared/auth.js';
import { httpHandler, requirePrincipal } from '../shared/http.js';
import { requestContext } from '../shared/outbox.js';
import { keyView, rotateKey } from './api-key-store.js';

/**
 * POST /v1/api-keys/rotate: a merchant replaces the key it calls with. The new key is in this
 * answer only; the calling key keeps working for 24 hours, then stops.
 */
export const handler = httpHandler({ access: keyed('merchant') }, async (request) => {
  const { issued, item } = await rotateKey(requirePrincipal(request), requestContext(request));
  return { status: 201, body: { apiKey: issued.apiKey, key: keyView(item) } };
});
