import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { changePartnerSecrets, partnerCode, partnerView, secretsOf } from './partners.js';
import { PartnerSecretRetired } from '../../events/schemas/platform.js';

export const partnerSecretPath = z.object({ code: partnerCode, secretId: z.string().check(z.startsWith('whs_')) });

/** DELETE /v1/admin/logistics-partners/{code}/secrets/{secretId}: ends a rollover (the last secret cannot go). */
export const handler = httpHandler({ access: keyed('admin'), path: partnerSecretPath }, async (request) => {
  const partner = await changePartnerSecrets(request.path.code, async (read) => {
    const secrets = secretsOf(read);
    if (!secrets.some((s) => s.id === request.path.secretId)) throw new ProblemError('not_found');
    if (secrets.length === 1) throw new ProblemError('invalid_state', { params: { reason: 'only_secret' } });
    const remaining = secrets.filter((s) => s.id !== request.path.secretId);
    const now = new Date();
    const event = outboxEvent(
      PartnerSecretRetired,
      { partnerCode: read.code, secretId: request.path.secretId, previousSecretIds: secrets.map((s) => s.id), activeSecretIds: remaining.map((s) => s.id), retiredAt: now.toISOString() },
      requestContext(request, now),
    );
    return { secrets: remaining, event, answer: { ...read, secrets: remaining } };
  });
  return { status: 200, body: { partner: partnerView(partner) } };
});
