/**
 * Logistics partners as operators read them (entity `partner`, which the logistics context
 * owns and writes): by the record schema and view that context exposes.
 */
import { partnerRecord } from '../logistics/logistics-items.js';
import { queryPage, type IndexPartition } from './store.js';

export { partnerRecord } from '../logistics/logistics-items.js';
export { partnerView } from '../logistics/partners.js';

/** Partners by code (gsi1, one partition: a handful of partners). */
export const partnerList: IndexPartition = { index: 'gsi1', pk: 'PARTNERS' };
export const listPartners = (limit: number, position: string | null) => queryPage(partnerList, { entity: 'partner', schema: partnerRecord }, limit, position);
