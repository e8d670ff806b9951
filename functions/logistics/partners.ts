import { ProblemError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { readSecret } from '../shared/secrets.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { db } from './db.js';
import type { PartnerItem } from './entities.js';
import { newWebhookSecret, sealSecret } from './partner-secrets.js';

export { partnerCode, partnerPath } from './partner-code.js';

/** A partner's webhook secret as stored: sealed, with an id to retire it by. */
export interface StoredSecret {
  readonly id: string;
  readonly sealed: string;
  readonly createdAt: string;
}

/** At most two secrets are active: the current one and the one being rolled over to. */
export const maxActiveSecrets = 2;

export const secretsOf = (partner: PartnerItem): StoredSecret[] => partner.secrets as StoredSecret[];

/** A new `whsec_` secret (returned to the operator once) and its sealed record. */
export const issuePartnerSecret = async (now: Date): Promise<{ secret: string; stored: StoredSecret }> => {
  const secret = newWebhookSecret();
  const sealed = sealSecret(secret, await readSecret('partnerSecretsKey'));
  return { secret, stored: { id: newId('whs'), sealed, createdAt: now.toISOString() } };
};

export const partnerView = (partner: PartnerItem) => ({
  code: partner.code,
  name: partner.name,
  createdAt: partner.createdAt,
  secrets: secretsOf(partner).map(({ id, createdAt }) => ({ id, createdAt })),
});

export const rotationRefused = (): ProblemError => new ProblemError('invalid_state', { params: { reason: 'rollover_in_progress' } });

/**
 * Replaces a partner's secrets (optimistic lock on the version read) and writes the change's
 * audit event, in one transaction. A concurrent change is a 409 to retry.
 */
export const savePartnerSecrets = async (partner: PartnerItem, secrets: readonly StoredSecret[], event: OutboxItem): Promise<void> => {
  const result = await db()
    .transaction.write((tx) => [
      tx.partner
        .patch({ code: partner.code })
        .set({ secrets, version: partner.version + 1 })
        .where(({ version }, { eq }) => eq(version, partner.version))
        .commit(),
      tx.outbox.create(event).commit(),
    ])
    .go();
  if (!result.canceled) return;
  if (result.data[0]?.code === 'ConditionalCheckFailed') throw new ProblemError('service_unavailable', { headers: { 'retry-after': '1' } });
  throw new Error(`partner ${partner.code} secrets were not saved: ${result.data.map((d) => d.code).join(', ')}`);
};
