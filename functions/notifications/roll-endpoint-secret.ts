import { now as clockNow } from '../shared/clock.js';
import { db } from './db.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { endpointPath, endpointView, getEndpoint, issueEndpointSecret, rolloverOverlapMs, secretsOf } from './endpoints.js';

/**
 * POST /v1/webhook-endpoints/{id}/secret: a new secret (in this answer only). For 24 h every
 * delivery carries a `v1,` signature under the old and the new secret, so the merchant can
 * switch its verifier at any moment of that day; then only the new one signs. A second
 * rollover inside the window drops the older previous secret (at most two sign at once).
 */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath }, async (request) => {
  const merchantId = requireTenant(request);
  const endpoint = await getEndpoint(merchantId, request.path.id);
  const now = clockNow();
  const current = secretsOf(endpoint).find((s) => s.expiresAt === undefined);
  const { secret, stored } = await issueEndpointSecret(now);
  const secrets = [...(current ? [{ ...current, expiresAt: new Date(now.getTime() + rolloverOverlapMs).toISOString() }] : []), stored];
  try {
    await db()
      .entities.webhookEndpoint.patch({ merchantId, endpointId: endpoint.endpointId })
      .set({ secrets, updatedAt: now.toISOString(), version: endpoint.version + 1 })
      .where(({ version }, { eq }) => eq(version, endpoint.version))
      .go();
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ProblemError('idempotency_in_progress');
    throw error;
  }
  return { status: 201, body: { endpoint: endpointView({ ...endpoint, updatedAt: now.toISOString() }), secret } };
});
