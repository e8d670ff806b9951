import { db } from '../shared/db/service.js';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { issuePartnerSecret, maxActiveSecrets, partnerPath, partnerView, rotationRefused, secretsOf } from './partners.js';

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
  try {
    await db()
      .entities.partner.patch({ code: partner.code })
      .set({ secrets: updated.secrets, version: updated.version })
      .where(({ version }, { eq }) => eq(version, partner.version))
      .go();
  } catch (error) {
    if (isConditionalCheckFailure(error)) throw new ProblemError('idempotency_in_progress');
    throw error;
  }
  return { status: 201, body: { partner: partnerView(updated), secret: { id: stored.id, createdAt: stored.createdAt }, webhookSecret: secret } };
});
