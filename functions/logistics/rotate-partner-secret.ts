import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { issuePartnerSecret, maxActiveSecrets, partnerPath, partnerView, rotationRefused, savePartnerSecrets, secretsOf } from './partners.js';
import { PartnerSecretRotated } from '../../events/schemas/platform.js';

/**
 * POST /v1/admin/logistics-partners/{code}/secrets: starts a rollover. The new secret is
 * returned once; both verify until the old one is retired (DELETE .../secrets/{id}).
 */
export const handler = httpHandler({ access: keyed('admin'), path: partnerPath }, async (request) => {
  const { data: partner } = await db().entities.partner.get({ code: request.path.code }).go({ consistent: true });
  if (!partner) throw new ProblemError('not_found');
  const secrets = secretsOf(partner);
  if (secrets.length >= maxActiveSecrets) throw rotationRefused();
  const now = new Date();
  const { secret, stored } = await issuePartnerSecret(now);
  const updated = { ...partner, secrets: [...secrets, stored], version: partner.version + 1 };
  const rotated = outboxEvent(
    PartnerSecretRotated,
    { partnerCode: partner.code, secretId: stored.id, previousSecretIds: secrets.map((s) => s.id), activeSecretIds: updated.secrets.map((s) => s.id), rotatedAt: stored.createdAt },
    requestContext(request, now),
  );
  await savePartnerSecrets(partner, updated.secrets, rotated);
  return { status: 201, body: { partner: partnerView(updated), secret: { id: stored.id, createdAt: stored.createdAt }, webhookSecret: secret } };
});
