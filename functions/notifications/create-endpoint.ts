import { WebhookEndpointCreated } from '../../events/schemas/notifications.js';
import { now as clockNow } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { createEndpointWithinLimit, endpointState } from './endpoint-store.js';
import { createEndpointBody, requireSafeUrl } from './endpoint-requests.js';
import { endpointView, issueEndpointSecret, newEndpointId } from './endpoints.js';

/**
 * POST /v1/webhook-endpoints: registers an endpoint; its `whsec_` secret is in this answer only.
 * At most `maxEndpointsPerMerchant` per merchant, enforced by a conditional counter in the same
 * transaction (concurrent creates cannot pass it): `400 validation_failed` beyond it.
 */
export const handler = httpHandler({ access: keyed('merchant'), body: createEndpointBody }, async (request) => {
  const merchantId = requireTenant(request);
  const url = await requireSafeUrl(request.body.url);
  const now = clockNow();
  const { secret, stored } = await issueEndpointSecret(now);
  const endpoint = {
    merchantId,
    endpointId: newEndpointId(),
    url,
    events: request.body.events,
    status: 'enabled' as const,
    secrets: [stored],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  };
  const created = outboxEvent(
    WebhookEndpointCreated,
    { endpointId: endpoint.endpointId, merchantId, ...endpointState(endpoint), createdAt: endpoint.createdAt },
    requestContext(request, now),
  );
  await createEndpointWithinLimit(endpoint, created);
  return { status: 201, body: { endpoint: endpointView(endpoint), secret } };
});
