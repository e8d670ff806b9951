/**
 * The merchant entity as the orders context owns it (items `merchant` and `usccClaim`, written
 * by the platform's enrolment, read by orders, settlement and operators): its key, record,
 * builders and take rate. Its own module, so a bundle that reads a merchant carries none of the
 * order's schemas (the port other contexts import; test/unit/bundles.test.ts).
 */
import * as z from 'zod/mini';
import { storedItem, type Item, type TableKey } from '../shared/db/write.js';
import { storedOptional as optional } from '../shared/db/stored-item.js';

/** The platform's take on merchandise when a merchant has no rate of its own (DOMAIN.md "Merchant settlement"). */
export const defaultTakeRateBps = 500;
export const takeRateBpsSchema = z.number().check(z.int(), z.gte(0), z.lte(10_000));

/** A merchant as orders read it (entity `merchant`, written by the platform's enrolment). */
export const merchantRecord = z.lazy(() =>
  z.object({
    merchantId: z.string(),
    name: z.string(),
    uscc: z.string(),
    contactEmail: z.string(),
    // A DynamoDB string set comes back as a Set.
    markets: z.union([z.pipe(z.set(z.enum(['US', 'HK', 'MO'])), z.transform((s) => [...s])), z.array(z.enum(['US', 'HK', 'MO']))]),
    status: z.enum(['active', 'suspended']),
    createdAt: z.string(),
    takeRateBps: optional(z.number().check(z.int())),
    updatedAt: optional(z.string()),
    version: optional(z.number().check(z.int())),
  }),
);
export type MerchantRecord = z.output<typeof merchantRecord>;
export const merchantKey = (merchantId: string): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: 'MERCHANT' });

/** A new merchant (entity `merchant`, created by the platform's enrolment): markets as a string set, on the operators' list (gsi1). */
export const merchantItem = (m: Omit<MerchantRecord, 'updatedAt' | 'version'>): Item =>
  storedItem('merchant', { ...m, markets: new Set(m.markets) }, { ...merchantKey(m.merchantId), gsi1pk: 'MERCHANTS', gsi1sk: `${m.createdAt}#${m.merchantId}` });

/** A legal entity's claim on its USCC (entity `usccClaim`): one merchant per USCC. */
export const usccClaimKey = (uscc: string): TableKey => ({ pk: `USCC#${uscc}`, sk: 'USCC' });
export const usccClaimItem = (uscc: string, merchantId: string): Item => storedItem('usccClaim', { uscc, merchantId }, usccClaimKey(uscc));
