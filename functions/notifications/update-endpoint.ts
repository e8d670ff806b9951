import { WebhookEndpointUpdated } from '../../events/schemas/notifications.js';
import { now as clockNow } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { changeEndpoint, endpointState } from './endpoint-store.js';
import { requireSafeUrl, updateEndpointBody } from './endpoint-requests.js';
import { endpointPath, endpointView } from './endpoints.js';

/**
 * PATCH /v1/webhook-endpoints/{id}: url, events, status. Enabling an endpoint (also one the
 * platform disabled after three days of failures) starts its failure clock afresh. Applied to a
 * fresh read when another change came first (optimistic lock on `version`).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath, body: updateEndpointBody }, async (request) => {
  const merchantId = requireTenant(request);
  const url = request.body.url === undefined ? undefined : await requireSafeUrl(request.body.url);
  return changeEndpoint(merchantId, request.path.id, (endpoint) => {
    const now = clockNow();
    const status = request.body.status ?? endpoint.status;
    const reenabled = status === 'enabled' && endpoint.status === 'disabled';
    const updated = {
      ...endpoint,
      url: url ?? endpoint.url,
      events: request.body.events ?? endpoint.events,
      status,
      disabledReason: status === 'disabled' ? (request.body.status === 'disabled' ? 'merchant' : endpoint.disabledReason) : undefined,
      failingSince: reenabled ? undefined : endpoint.failingSince,
      updatedAt: now.toISOString(),
    };
    const previous = endpointState(endpoint);
    const current = endpointState(updated);
    const changed = [
      ...(updated.url === endpoint.url ? [] : (['url'] as const)),
      ...(JSON.stringify(updated.events) === JSON.stringify(endpoint.events) ? [] : (['events'] as const)),
      ...(updated.status === endpoint.status ? [] : (['status'] as const)),
    ];
    return {
      set: {
        url: updated.url,
        events: updated.events,
        status: updated.status,
        updatedAt: updated.updatedAt,
        ...(updated.disabledReason === undefined ? {} : { disabledReason: updated.disabledReason }),
      },
      remove: [...(updated.disabledReason === undefined ? (['disabledReason'] as const) : []), ...(updated.failingSince === undefined ? (['failingSince'] as const) : [])],
      event: outboxEvent(WebhookEndpointUpdated, { endpointId: endpoint.endpointId, merchantId, changed, previous, current, updatedAt: updated.updatedAt }, requestContext(request, now)),
      answer: { status: 200, body: { endpoint: endpointView(updated) } },
    };
  });
});
