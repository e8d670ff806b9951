/**
 * What operators read of the payouts context's items (entities `agency`, `creator`,
 * `commissionEntry`): by the keys and record schemas that context exposes (payout-items.ts).
 */
import { creatorView, termsOf } from '../payouts/creators.js';
import { agencyRecord, commissionEntryEntity, commissionEntryRecord, creatorKey, creatorRecord, type CreatorRecord } from '../payouts/payout-items.js';
import { getOwned, queryPage, type IndexPartition } from './store.js';

export { agencyRecord, commissionEntryRecord, creatorKey, creatorRecord, type AgencyRecord } from '../payouts/payout-items.js';

/** MCN agencies, newest first (gsi1). */
export const agencyList: IndexPartition = { index: 'gsi1', pk: 'AGENCIES', descending: true };
export const listAgencies = (limit: number, position: string | null) => queryPage(agencyList, { entity: 'agency', schema: agencyRecord }, limit, position);

const creators = { entity: 'creator', schema: creatorRecord };

export const getCreator = (creatorId: string): Promise<CreatorRecord | undefined> => getOwned(creatorKey(creatorId), creators);

/** Creators, newest registration first (gsi1). */
export const creatorList: IndexPartition = { index: 'gsi1', pk: 'CREATORS', descending: true };
export const listCreators = (limit: number, position: string | null) => queryPage(creatorList, creators, limit, position);

export const storedCreatorView = (c: CreatorRecord) => creatorView(c.creatorId, termsOf(c), c);

/** A creator's commission entries, newest first (gsi2). */
export const creatorEntries = (creatorId: string): IndexPartition => ({ index: 'gsi2', pk: `CREATOR#${creatorId}#ENTRIES`, descending: true });
export const listCommissionEntries = (creatorId: string, limit: number, position: string | null) =>
  queryPage(creatorEntries(creatorId), { entity: commissionEntryEntity, schema: commissionEntryRecord }, limit, position);
