/**
 * Logistics partners as operators read them (entity `partner`, which the logistics context
 * owns and writes): validated here with their own record schema, so this bundle carries
 * nothing of that context's store.
 */
import * as z from 'zod';
import { queryPage, type IndexPartition } from './store.js';

/** A partner item: its webhook secrets are sealed, one or two during a rollover. */
export const partnerRecord = z.object({
  code: z.string(),
  name: z.string(),
  secrets: z.array(z.object({ id: z.string(), sealed: z.string(), createdAt: z.string() })),
  createdAt: z.string(),
  version: z.number().int(),
});
export type PartnerRecord = z.output<typeof partnerRecord>;

/** Partners by code (gsi1, one partition: a handful of partners). */
export const partnerList: IndexPartition = { index: 'gsi1', pk: 'PARTNERS' };
export const listPartners = (limit: number, position: string | null) => queryPage(partnerList, { entity: 'partner', schema: partnerRecord }, limit, position);

/** A partner as operators see it: its secrets' ids and ages, never a secret. */
export const partnerView = (partner: PartnerRecord) => ({
  code: partner.code,
  name: partner.name,
  createdAt: partner.createdAt,
  secrets: partner.secrets.map(({ id, createdAt }) => ({ id, createdAt })),
});
