import { WebhookEndpointSecretRolled } from '../../events/schemas/notifications.js';
import { now as clockNow } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { changeEndpoint } from './endpoint-store.js';
import { endpointPath, endpointView, issueEndpointSecret, rolloverOverlapMs, secretsOf } from './endpoints.js';

/**
 * POST /v1/webhook-endpoints/{id}/secret: a new secret (in this answer only). For 24 h every
 * delivery carries a `v1,` signature under the old and the new secret, so the merchant can
 * switch its verifier at any moment of that day; then only the new one signs. A second
 * rollover inside the window drops the older previous secret (at most two sign at once).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath }, async (request) => {
  const merchantId = requireTenant(request);
  const { secret, stored } = await issueEndpointSecret(clockNow());
  return changeEndpoint(merchantId, request.path.id, (endpoint) => {
    const now = clockNow();
    const current = secretsOf(endpoint).find((s) => s.expiresAt === undefined);
    const previousExpiresAt = current ? new Date(now.getTime() + rolloverOverlapMs).toISOString() : null;
    const secrets = [...(current && previousExpiresAt ? [{ ...current, expiresAt: previousExpiresAt }] : []), stored];
    return {
      set: { secrets, updatedAt: now.toISOString() },
      event: outboxEvent(
        WebhookEndpointSecretRolled,
        { endpointId: endpoint.endpointId, merchantId, previousExpiresAt, rolledAt: now.toISOString() },
        requestContext(request, now),
      ),
      answer: { status: 201, body: { endpoint: endpointView({ ...endpoint, updatedAt: now.toISOString() }), secret } },
    };
  });
});
