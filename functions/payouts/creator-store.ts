import type { OutboxItem } from '../shared/db/entities.js';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import type { CreatorTerms } from './creators.js';

/** An agency contract must name an agency that exists. */
export const checkAgency = async (terms: CreatorTerms): Promise<void> => {
  if (terms.contract.type !== 'agency' || !terms.contract.agencyId) return;
  const { data } = await db().entities.agency.get({ agencyId: terms.contract.agencyId }).go();
  if (!data) throw new ProblemError('validation_failed', { errors: [{ path: 'contract.agencyId', message: `no agency ${terms.contract.agencyId}` }] });
};

/** The creator's terms, a new version snapshot and its audit event, in one transaction (conditional on the version read). */
export const saveCreatorVersion = async (
  creatorId: string,
  terms: CreatorTerms,
  previous: { version: number; createdAt: string } | undefined,
  now: Date,
  event: OutboxItem,
): Promise<boolean> => {
  const version = (previous?.version ?? 0) + 1;
  const stamp = now.toISOString();
  const result = await db()
    .transaction.write((tx) => [
      previous
        ? tx.creator
            .put({ creatorId, terms, version, createdAt: previous.createdAt, updatedAt: stamp })
            .where(({ version: current }, { eq }) => eq(current, previous.version))
            .commit()
        : tx.creator.create({ creatorId, terms, version, createdAt: stamp, updatedAt: stamp }).commit(),
      tx.creatorVersion.create({ creatorId, version, validFrom: stamp, terms }).commit(),
      tx.outbox.create(event).commit(),
    ])
    .go();
  return !result.canceled;
};
