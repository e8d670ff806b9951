import type { MerchantItem } from '../orders/entities.js';

/** A merchant as operators see it (and as enrolment answers it). */
export const merchantView = (m: Pick<MerchantItem, 'merchantId' | 'name' | 'uscc' | 'contactEmail' | 'markets' | 'status' | 'createdAt'>) => ({
  id: m.merchantId,
  name: m.name,
  uscc: m.uscc,
  contactEmail: m.contactEmail,
  markets: m.markets,
  status: m.status,
  createdAt: m.createdAt,
});
