/**
 * What operators read of the payouts context's items (entities `agency`, `creator`,
 * `commissionEntry`, which that context writes): validated here with their own record schemas.
 */
import * as z from 'zod';
import { creatorView, termsOf } from '../payouts/creators.js';
import type { TableKey } from '../shared/db/write.js';
import { getOwned, queryPage, type IndexPartition } from './store.js';

export const agencyRecord = z.object({ agencyId: z.string(), name: z.string(), country: z.string(), feeBps: z.number().int(), createdAt: z.string() });
export type AgencyRecord = z.output<typeof agencyRecord>;

/** MCN agencies, newest first (gsi1). */
export const agencyList: IndexPartition = { index: 'gsi1', pk: 'AGENCIES', descending: true };
export const listAgencies = (limit: number, position: string | null) => queryPage(agencyList, { entity: 'agency', schema: agencyRecord }, limit, position);

/** A creator item: its terms are one document (validated by termsOf where they are used). */
export const creatorRecord = z.object({ creatorId: z.string(), terms: z.unknown(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string() });
export type CreatorRecord = z.output<typeof creatorRecord>;
const creators = { entity: 'creator', schema: creatorRecord };

export const creatorKey = (creatorId: string): TableKey => ({ pk: `CREATOR#${creatorId}`, sk: 'CREATOR' });
export const getCreator = (creatorId: string): Promise<CreatorRecord | undefined> => getOwned(creatorKey(creatorId), creators);

/** Creators, newest registration first (gsi1). */
export const creatorList: IndexPartition = { index: 'gsi1', pk: 'CREATORS', descending: true };
export const listCreators = (limit: number, position: string | null) => queryPage(creatorList, creators, limit, position);

export const storedCreatorView = (c: CreatorRecord) => creatorView(c.creatorId, termsOf(c), c);

/** A commission entry (entity `commissionEntry`, model version 2): accruals positive, reversals negative, in fen. */
export const commissionEntryRecord = z.object({
  entryId: z.string(),
  orderId: z.string(),
  creatorId: z.string(),
  kind: z.enum(['accrual', 'reversal']),
  amountFen: z.number().int(),
  period: z.string(),
  createdAt: z.string(),
});

/** A creator's commission entries, newest first (gsi2). */
export const creatorEntries = (creatorId: string): IndexPartition => ({ index: 'gsi2', pk: `CREATOR#${creatorId}#ENTRIES`, descending: true });
export const listCommissionEntries = (creatorId: string, limit: number, position: string | null) =>
  queryPage(creatorEntries(creatorId), { entity: 'commissionEntry', version: '2', schema: commissionEntryRecord }, limit, position);
