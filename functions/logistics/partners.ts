import { ProblemError } from '../shared/errors.js';
import { getRecord } from '../shared/db/read.js';
import { parseStored } from '../shared/db/stored-item.js';
import { atVersion, outboxItem, patchItem, transactWrite } from '../shared/db/write.js';
import { newId } from '../shared/ids.js';
import { untilWritten } from '../shared/backoff.js';
import { readSecret } from '../shared/secrets.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { partnerKey, partnerRecord, storedSecrets, type PartnerRecord } from './logistics-items.js';
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

/** A partner's stored secrets, validated where they are read. */
export const secretsOf = (partner: { readonly code: string; readonly secrets: unknown }): StoredSecret[] => parseStored(storedSecrets, partner.secrets, `partner ${partner.code} secrets`);

/** A partner (one GetItem), strongly consistent when a decision rests on its secrets. */
export const getPartner = (code: string, options: { consistent: boolean }): Promise<PartnerRecord | undefined> => getRecord('partner', partnerRecord, partnerKey(code), options.consistent);

/** A new `whsec_` secret (returned to the operator once) and its sealed record. */
export const issuePartnerSecret = async (now: Date): Promise<{ secret: string; stored: StoredSecret }> => {
  const secret = newWebhookSecret();
  const sealed = sealSecret(secret, await readSecret('partnerSecretsKey'));
  return { secret, stored: { id: newId('whs'), sealed, createdAt: now.toISOString() } };
};

export const partnerView = (partner: { readonly code: string; readonly name: string; readonly createdAt: string; readonly secrets: unknown }) => ({
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
export const changePartnerSecrets = <T>(code: string, decide: (partner: PartnerRecord) => Promise<SecretChange<T>>): Promise<T> =>
  untilWritten(
    changeAttempts,
    () => new ProblemError('service_unavailable', { headers: { 'retry-after': '1' } }),
    async () => {
      const partner = await getPartner(code, { consistent: true });
      if (!partner) throw new ProblemError('not_found');
      const change = await decide(partner);
      return (await savePartnerSecrets(partner, change.secrets, change.event)) ? change.answer : undefined;
    },
  );

/** The secrets written if the partner is still at the version read (as the `partner` entity's patch did). */
export const partnerSecretsChange = (partner: PartnerRecord, secrets: readonly StoredSecret[]) =>
  patchItem(
    partnerKey(partner.code),
    'partner',
    { set: { secrets: [...secrets], version: partner.version + 1, code: partner.code } },
    atVersion(partner.version),
  );

/** Writes the secrets if the partner is still at the version read; false when another change came first. */
const savePartnerSecrets = async (partner: PartnerRecord, secrets: readonly StoredSecret[], event: OutboxItem): Promise<boolean> => {
  const outcome = await transactWrite([partnerSecretsChange(partner, secrets), outboxItem(event)]);
  if (!outcome.canceled) return true;
  if (outcome.codes[0] === 'ConditionalCheckFailed' || outcome.codes.includes('TransactionConflict')) return false;
  throw new Error(`partner ${partner.code} secrets were not saved: ${outcome.codes.join(', ')}`);
};
