import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { changePartnerSecrets, issuePartnerSecret, maxActiveSecrets, partnerPath, partnerView, rotationRefused, secretsOf } from './partners.js';
import { PartnerSecretRotated } from '../../events/schemas/platform.js';

/**
 * POST /v1/admin/logistics-partners/{code}/secrets: starts a rollover. The new secret is
 * returned once; both verify until the old one is retired (DELETE .../secrets/{id}).
 */
export const handler = httpHandler({ access: keyed('admin'), path: partnerPath }, async (request) => {
  return changePartnerSecrets(request.path.code, async (partner) => {
    const secrets = secretsOf(partner);
    if (secrets.length >= maxActiveSecrets) throw rotationRefused();
    const now = new Date();
    const { secret, stored } = await issuePartnerSecret(now);
    const updated = { ...partner, secrets: [...secrets, stored] };
    const event = outboxEvent(
      PartnerSecretRotated,
      { partnerCode: partner.code, secretId: stored.id, previousSecretIds: secrets.map((s) => s.id), activeSecretIds: updated.secrets.map((s) => s.id), rotatedAt: stored.createdAt },
      requestContext(request, now),
    );
    const answer = { status: 201 as const, body: { partner: partnerView(updated), secret: { id: stored.id, createdAt: stored.createdAt }, webhookSecret: secret } };
    return { secrets: updated.secrets, event, answer };
  });
});
