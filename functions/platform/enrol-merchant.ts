import * as z from 'zod/mini';
import { issueApiKey } from '../shared/api-keys.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requirePrincipal } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { markets } from '../orders/markets.js';
import { defaultTakeRateBps, merchantItem, takeRateBpsSchema, usccClaimItem } from '../orders/merchant-record.js';
import { createItem, failedCondition, outboxItem, transactWrite } from '../shared/db/write.js';
import { apiKeyItem, apiKeyRecord } from './api-key-store.js';
import { merchantView } from './merchants.js';
import { findUsccClaim } from './uscc-claims.js';
import { isValidUscc } from './uscc.js';
import { MerchantEnrolled } from '../../events/schemas/orders.js';

const body = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  uscc: z
    .pipe(z.string().check(z.trim()), z.transform((code) => code.toUpperCase()))
    .check(z.refine(isValidUscc, 'not a valid Unified Social Credit Code (18 characters, GB 32100-2015 check character)')),
  contactEmail: z.email(),
  markets: z
    .array(z.enum(markets))
    .check(z.minLength(1), z.refine((list) => new Set(list).size === list.length, 'each market at most once')),
  /** The platform's take on merchandise in basis points (default 500 = 5%); orders snapshot it. */
  takeRateBps: z._default(takeRateBpsSchema, defaultTakeRateBps),
});
export { body as enrolMerchantBody };

/**
 * POST /v1/admin/merchants: enrols a pilot merchant and issues its API key (in this
 * answer only). One transaction: merchant, USCC claim (one merchant per legal entity),
 * key hash, MerchantEnrolled and ApiKeyCreated. Enrolling a USCC again answers 409 with the
 * existing merchant's id (`merchantId`), so a retried enrolment finds what the first one made.
 */
export const handler = httpHandler({ access: keyed('admin'), body }, async (request) => {
  const operator = requirePrincipal(request);
  const { name, uscc, contactEmail, markets: enrolled, takeRateBps } = request.body;
  const now = new Date();
  const merchantId = newId('mer');
  const issued = issueApiKey();
  const context = requestContext(request, now);
  const key = apiKeyRecord(issued, { role: 'merchant', tenantId: merchantId, createdBy: operator.keyId }, context);
  const merchant = { merchantId, name, uscc, contactEmail, markets: enrolled, status: 'active' as const, createdAt: now.toISOString(), takeRateBps };
  const enrolledEvent = outboxEvent(
    MerchantEnrolled,
    { merchantId, name, markets: enrolled, enrolledAt: merchant.createdAt },
    context,
  );
  const result = await transactWrite([
    createItem(usccClaimItem(uscc, merchantId)),
    createItem(merchantItem(merchant)),
    createItem(apiKeyItem(key.item)),
    outboxItem(enrolledEvent),
    outboxItem(key.event),
  ]);
  if (result.canceled) {
    if (failedCondition(result, 0)) {
      const existing = await findUsccClaim(uscc);
      throw new ProblemError('already_exists', {
        ...(existing
          ? { params: { reason: 'merchant_uscc_existing', merchantId: existing.merchantId }, extensions: { merchantId: existing.merchantId } }
          : { params: { reason: 'merchant_uscc' } }),
      });
    }
    throw new Error(`merchant ${merchantId} was not written: ${result.codes.join(', ')}`);
  }
  return {
    status: 201,
    body: {
      merchant: merchantView(merchant),
      apiKey: issued.apiKey,
    },
  };
});
