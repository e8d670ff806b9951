import type { OutboxItem } from '../shared/db/entities.js';
import { createItem, outboxItem, putOnVersion, transactWrite } from '../shared/db/write.js';
import { agencyKey, agencyRecord, creatorItem, creatorKey, creatorRecord, creatorVersionItem, type CreatorRecord } from './payout-items.js';
import { getRecord } from '../shared/db/read.js';
import { ProblemError } from '../shared/errors.js';
import type { CreatorTerms } from './creators.js';

/** An agency contract must name an agency that exists. */
export const checkAgency = async (terms: CreatorTerms): Promise<void> => {
  if (terms.contract.type !== 'agency' || !terms.contract.agencyId) return;
  const data = await getRecord('agency', agencyRecord, agencyKey(terms.contract.agencyId), false);
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
  const result = await transactWrite([
    previous
      ? putOnVersion(creatorItem({ creatorId, terms, version, createdAt: previous.createdAt, updatedAt: stamp }), previous.version)
      : createItem(creatorItem({ creatorId, terms, version, createdAt: stamp, updatedAt: stamp })),
    createItem(creatorVersionItem({ creatorId, version, validFrom: stamp, terms })),
    outboxItem(event),
  ]);
  return !result.canceled;
};

/** The creator's current terms item, strongly consistent (a change is written on the version read). */
export const getCreator = async (creatorId: string): Promise<CreatorRecord | undefined> => getRecord('creator', creatorRecord, creatorKey(creatorId), true);
