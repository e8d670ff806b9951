import type { MerchantItem } from '../orders/entities.js';
import { defaultTakeRateBps } from '../orders/order.js';

/** A merchant as operators see it (and as enrolment answers it). */
export const merchantView = (m: Pick<MerchantItem, 'merchantId' | 'name' | 'uscc' | 'contactEmail' | 'markets' | 'status' | 'createdAt'> & { takeRateBps?: number | undefined }) => ({
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
