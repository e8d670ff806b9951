import { WebhookEndpointDeleted } from '../../events/schemas/notifications.js';
import { now as clockNow } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { deleteEndpoint, endpointState } from './endpoint-store.js';
import { endpointPath } from './endpoints.js';

/**
 * DELETE /v1/webhook-endpoints/{id}: nothing more is sent to it (pending deliveries end as
 * failed). Conditioned on the version read; of concurrent deletes one answers 204, the rest 404.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath }, async (request) => {
  const merchantId = requireTenant(request);
  const now = clockNow();
  await deleteEndpoint(merchantId, request.path.id, (endpoint) =>
    outboxEvent(
      WebhookEndpointDeleted,
      { endpointId: endpoint.endpointId, merchantId, ...endpointState(endpoint), deletedAt: now.toISOString() },
      requestContext(request, now),
    ),
  );
  return { status: 204 };
});
