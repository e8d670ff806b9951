import * as z from 'zod';
import { db } from '../shared/db/service.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { partnerCode, partnerView, secretsOf } from './partners.js';

export const partnerSecretPath = z.object({ code: partnerCode, secretId: z.string().startsWith('whs_') });

/** DELETE /v1/admin/logistics-partners/{code}/secrets/{secretId}: ends a rollover (the last secret cannot go). */
export const handler = httpHandler({ access: keyed('admin'), path: partnerSecretPath }, async (request) => {
  const { data: partner } = await db().entities.partner.get({ code: request.path.code }).go({ consistent: true });
  if (!partner) throw new ProblemError('not_found');
  const secrets = secretsOf(partner);
  if (!secrets.some((s) => s.id === request.path.secretId)) throw new ProblemError('not_found');
  if (secrets.length === 1) throw new ProblemError('invalid_state', { params: { state: 'down to its only secret' } });
  const remaining = secrets.filter((s) => s.id !== request.path.secretId);
  try {
    await db()
      .entities.partner.patch({ code: partner.code })
      .set({ secrets: remaining, version: partner.version + 1 })
      .where(({ version }, { eq }) => eq(version, partner.version))
      .go();
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ProblemError('idempotency_in_progress');
    throw error;
  }
  return { status: 200, body: { partner: partnerView({ ...partner, secrets: remaining }) } };
});
