import * as z from 'zod/mini';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { httpHandler, publicRoute } from '../shared/http.js';
import { logger, metrics } from '../shared/observability.js';
import { readSecret } from '../shared/secrets.js';
import { validate } from '../shared/validation.js';
import { ingest } from './intake.js';
import { InvalidSignatureError, openSecret, verifyPartnerDelivery } from './partner-secrets.js';
import { getPartner, partnerCode, secretsOf } from './partners.js';
import { now } from '../shared/clock.js';
import { partnerWebhookEnvelope, sortEvents } from './tracking.js';

export const partnerWebhookPath = z.object({ partnerCode });

/**
 * Partners' opened secrets, cached per runtime (like API keys): a new secret verifies at
 * once (a failed signature re-reads the partner), a retired one stops within the cache
 * time (PARTNER_SECRETS_CACHE_SECONDS, default 60).
 */
const cacheMs = (): number => Number(process.env.PARTNER_SECRETS_CACHE_SECONDS ?? 60) * 1000;
const cache = new Map<string, { secrets: string[]; loadedAt: number }>();

const loadSecrets = async (code: string, fresh: boolean): Promise<string[]> => {
  const hit = cache.get(code);
  if (!fresh && hit && Date.now() - hit.loadedAt < cacheMs()) return hit.secrets;
  const data = await getPartner(code, { consistent: fresh });
  if (!data) return [];
  const key = await readSecret('partnerSecretsKey');
  const secrets = secretsOf(data).map((s) => openSecret(s.sealed, key));
  cache.set(code, { secrets, loadedAt: Date.now() });
  return secrets;
};

const verify = async (code: string, rawBody: string, headers: Readonly<Record<string, string | undefined>>): Promise<unknown> => {
  try {
    return verifyPartnerDelivery(rawBody, headers, await loadSecrets(code, false));
  } catch (error) {
    if (!(error instanceof InvalidSignatureError) || error.reason !== 'no_matching_signature') throw error;
    return verifyPartnerDelivery(rawBody, headers, await loadSecrets(code, true));
  }
};

/**
 * POST /v1/webhooks/logistics/{partnerCode}: a signed batch (Standard Webhooks) of 1-100
 * tracking events -> 202 { accepted, duplicates, unknownTrackingNumbers, rejected }.
 * Only the envelope can fail the request (400); each event is validated on its own and a
 * bad one is listed in `rejected` while the rest of the batch is applied.
 */
export const handler = httpHandler({ access: publicRoute, path: partnerWebhookPath, rawBody: true }, async (request) => {
  const code = request.path.partnerCode;
  let payload: unknown;
  try {
    payload = await verify(code, request.rawBody, request.headers);
  } catch (error) {
    if (error instanceof InvalidSignatureError) {
      logger.warn('partner delivery refused', { partnerCode: code, reason: error.reason });
      metrics.addMetric('PartnerWebhookRejected', MetricUnit.Count, 1);
    }
    throw error;
  }
  const envelope = validate(partnerWebhookEnvelope, payload);
  const { events, rejected } = sortEvents(envelope.events, now());
  const result =
    events.length > 0 ? await ingest(code, String(request.headers['webhook-id']), events, request.correlationId) : { accepted: 0, duplicates: 0, unknownTrackingNumbers: [] };
  if (rejected.length > 0) {
    logger.info('tracking events rejected', { partnerCode: code, count: rejected.length, codes: [...new Set(rejected.map((r) => r.code))] });
    metrics.addMetric('TrackingEventsRejected', MetricUnit.Count, rejected.length);
  }
  metrics.addMetric('TrackingEventsAccepted', MetricUnit.Count, result.accepted);
  metrics.addMetric('TrackingEventsDuplicate', MetricUnit.Count, result.duplicates);
  if (result.unknownTrackingNumbers.length > 0) logger.info('unknown tracking numbers', { partnerCode: code, count: result.unknownTrackingNumbers.length });
  return { status: 202, body: { ...result, rejected } };
});
