import * as z from 'zod/mini';
import { defaultTakeRateBps, merchantKey, merchantRecord, type MerchantRecord } from '../orders/merchant-record.js';
import { atVersion, patchItem, type TransactItem } from '../shared/db/write.js';
import { getOwned, queryPage, type IndexPartition } from './store.js';

/** A merchant id as a client sends it. */
export const merchantIdSchema = z.string().check(z.regex(/^mer_[A-Za-z0-9]{1,60}$/, 'a merchant id (mer_...)'));

const merchants = { entity: 'merchant', schema: merchantRecord };

/** A merchant (entity `merchant`, which the orders context owns); `consistent` where a write follows on what it read. */
export const getMerchant = (merchantId: string, consistent = false): Promise<MerchantRecord | undefined> => getOwned(merchantKey(merchantId), merchants, consistent);

/** The operators' list of merchants (gsi1, one partition: enrolments are rare), newest first. */
export const merchantList: IndexPartition = { index: 'gsi1', pk: 'MERCHANTS', descending: true };
export const listMerchants = (limit: number, position: string | null) => queryPage(merchantList, merchants, limit, position);

/**
 * A new take rate on the merchant, if it is still at the version read (`version` absent on a
 * merchant never changed: 0, and the attribute must still be absent).
 */
export const takeRateChangeItem = (merchant: Pick<MerchantRecord, 'merchantId' | 'version'>, takeRateBps: number, updatedAt: string): TransactItem =>
  patchItem(
    merchantKey(merchant.merchantId),
    'merchant',
    { set: { takeRateBps, updatedAt, version: (merchant.version ?? 0) + 1, merchantId: merchant.merchantId } },
    merchant.version === undefined
      ? { expression: 'attribute_not_exists(#version)', names: { '#version': 'version' } }
      : atVersion(merchant.version),
  );

/** A merchant as operators see it (and as enrolment answers it). */
export const merchantView = (m: Pick<MerchantRecord, 'merchantId' | 'name' | 'uscc' | 'contactEmail' | 'markets' | 'status' | 'createdAt'> & { takeRateBps?: number | undefined }) => ({
  id: m.merchantId,
  name: m.name,
  uscc: m.uscc,
  contactEmail: m.contactEmail,
  markets: m.markets,
  status: m.status,
  createdAt: m.createdAt,
  // The take rate orders placed from now snapshot (decision 0026); enrolled before it existed: the default.
  takeRateBps: m.takeRateBps ?? defaultTakeRateBps,
});
