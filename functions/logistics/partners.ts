import * as z from 'zod';
import { ProblemError } from '../shared/errors.js';
import { parseStored } from '../shared/db/stored-item.js';
import { newId } from '../shared/ids.js';
import { untilWritten } from '../shared/backoff.js';
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

const storedSecrets = z.array(z.object({ id: z.string(), sealed: z.string(), createdAt: z.string() }));

/** A partner's stored secrets, validated where they are read. */
export const secretsOf = (partner: Pick<PartnerItem, 'code' | 'secrets'>): StoredSecret[] => parseStored(storedSecrets, partner.secrets, `partner ${partner.code} secrets`);

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

/** What a secret change makes of the partner it read: the new secrets, the audit event, the answer. */
export interface SecretChange<T> {
  readonly secrets: readonly StoredSecret[];
  readonly event: OutboxItem;
  readonly answer: T;
}

/** Rounds of read-decide-write before a secret change gives up with a 503 (only under a storm of changes). */
const changeAttempts = 6;

/**
 * Changes a partner's secrets: reads the partner consistently, lets `decide` refuse (a 4xx) or
 * say what changes, and writes the secrets with the change's audit event in one transaction,
 * conditioned on the version read. A concurrent change makes it decide again on a fresh read
 * (jittered backoff), so two operators rolling at once get sequential answers, not a 5xx.
 */
export const changePartnerSecrets = <T>(code: string, decide: (partner: PartnerItem) => Promise<SecretChange<T>>): Promise<T> =>
  untilWritten(
    changeAttempts,
    () => new ProblemError('service_unavailable', { headers: { 'retry-after': '1' } }),
    async () => {
      const { data: partner } = await db().entities.partner.get({ code }).go({ consistent: true });
      if (!partner) throw new ProblemError('not_found');
      const change = await decide(partner);
      return (await savePartnerSecrets(partner, change.secrets, change.event)) ? change.answer : undefined;
    },
  );

/** Writes the secrets if the partner is still at the version read; false when another change came first. */
const savePartnerSecrets = async (partner: PartnerItem, secrets: readonly StoredSecret[], event: OutboxItem): Promise<boolean> => {
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
  if (!result.canceled) return true;
  if (result.data[0]?.code === 'ConditionalCheckFailed' || result.data.some((d) => d.code === 'TransactionConflict')) return false;
  throw new Error(`partner ${partner.code} secrets were not saved: ${result.data.map((d) => d.code).join(', ')}`);
};
