import { now as clockNow } from '../shared/clock.js';
import { db } from './db.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { createEndpointBody, endpointView, issueEndpointSecret, maxEndpointsPerMerchant, newEndpointId, requireSafeUrl } from './endpoints.js';

/** POST /v1/webhook-endpoints: registers an endpoint; its `whsec_` secret is in this answer only. */
export const handler = httpHandler({ access: keyed('merchant'), body: createEndpointBody }, async (request) => {
  const merchantId = requireTenant(request);
  const url = await requireSafeUrl(request.body.url);
  const existing = await db().entities.webhookEndpoint.query.byMerchant({ merchantId }).go({ limit: maxEndpointsPerMerchant });
  if (existing.data.length >= maxEndpointsPerMerchant) {
    throw new ProblemError('validation_failed', { errors: [{ path: '', message: `at most ${maxEndpointsPerMerchant} endpoints per merchant` }] });
  }
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
  try {
    await db().entities.webhookEndpoint.create(endpoint).go();
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ProblemError('idempotency_in_progress');
    throw error;
  }
  return { status: 201, body: { endpoint: endpointView(endpoint), secret } };
});
