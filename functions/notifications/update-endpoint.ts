import { now as clockNow } from '../shared/clock.js';
import { db } from './db.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { endpointPath, endpointView, getEndpoint, requireSafeUrl, updateEndpointBody } from './endpoints.js';

/**
 * PATCH /v1/webhook-endpoints/{id}: url, events, status. Enabling an endpoint (also one the
 * platform disabled after three days of failures) starts its failure clock afresh.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath, body: updateEndpointBody }, async (request) => {
  const merchantId = requireTenant(request);
  const endpoint = await getEndpoint(merchantId, request.path.id);
  const url = request.body.url === undefined ? endpoint.url : await requireSafeUrl(request.body.url);
  const status = request.body.status ?? endpoint.status;
  const reenabled = status === 'enabled' && endpoint.status === 'disabled';
  const updated = {
    ...endpoint,
    url,
    events: request.body.events ?? endpoint.events,
    status,
    disabledReason: status === 'disabled' ? (request.body.status === 'disabled' ? 'merchant' : endpoint.disabledReason) : undefined,
    failingSince: reenabled ? undefined : endpoint.failingSince,
    updatedAt: clockNow().toISOString(),
    version: endpoint.version + 1,
  };
  const removed = [...(updated.disabledReason === undefined ? (['disabledReason'] as const) : []), ...(updated.failingSince === undefined ? (['failingSince'] as const) : [])];
  try {
    let patch = db()
      .entities.webhookEndpoint.patch({ merchantId, endpointId: endpoint.endpointId })
      .set({
        url: updated.url,
        events: updated.events,
        status: updated.status,
        updatedAt: updated.updatedAt,
        version: updated.version,
        ...(updated.disabledReason === undefined ? {} : { disabledReason: updated.disabledReason }),
      });
    if (removed.length > 0) patch = patch.remove(removed);
    await patch.where(({ version }, { eq }) => eq(version, endpoint.version)).go();
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ProblemError('idempotency_in_progress');
    throw error;
  }
  return { status: 200, body: { endpoint: endpointView(updated) } };
});
