import * as z from 'zod/mini';
import { usccClaimKey } from '../orders/merchant-record.js';
import { getOwned } from './store.js';

/** A USCC's claim (entity `usccClaim`, created with the merchant it names: orders/merchant-record.ts). */
export const usccClaimRecord = z.lazy(() =>
  z.object({ uscc: z.string(), merchantId: z.string() }),
);
export { usccClaimKey } from '../orders/merchant-record.js';

/** The claim on a USCC, read consistently: enrolment reads it right after its own create was refused. */
export const findUsccClaim = (uscc: string) => getOwned(usccClaimKey(uscc), { entity: 'usccClaim', schema: usccClaimRecord }, true);
