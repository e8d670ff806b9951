import * as z from 'zod/mini';
import { MerchantTakeRateChanged } from '../../events/schemas/orders.js';
import { backoff } from '../shared/backoff.js';
import { outboxItem, transactWrite } from '../shared/db/write.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { defaultTakeRateBps, takeRateBpsSchema } from '../orders/merchant-record.js';
import { getMerchant, merchantView, takeRateChangeItem } from './merchants.js';

export const merchantPath = z.object({ id: z.string().check(z.startsWith('mer_'), z.maxLength(64)) });
export const patchMerchantBody = z.strictObject({ takeRateBps: takeRateBpsSchema });

/**
 * PATCH /v1/admin/merchants/{id} `{ takeRateBps }`: the take rate for orders placed from now
 * on. Orders already placed keep the rate they snapshot (DOMAIN.md "Merchant settlement").
 * Optimistic locking on the merchant's `version`; the change and its audit event
 * (`MerchantTakeRateChanged`, before and after) are one transaction.
 */
export const handler = httpHandler({ access: keyed('admin'), path: merchantPath, body: patchMerchantBody }, async (request) => {
  const { path, body } = request;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    const merchant = await getMerchant(path.id, true);
    if (!merchant) throw new ProblemError('not_found');
    const now = new Date();
    const updatedAt = now.toISOString();
    const changed = outboxEvent(
      MerchantTakeRateChanged,
      { merchantId: merchant.merchantId, previousTakeRateBps: merchant.takeRateBps ?? defaultTakeRateBps, takeRateBps: body.takeRateBps, changedAt: updatedAt },
      requestContext(request, now),
    );
    const result = await transactWrite([takeRateChangeItem(merchant, body.takeRateBps, updatedAt), outboxItem(changed)]);
    if (result.canceled) {
      const { codes } = result;
      if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) continue;
      throw new Error(`merchant ${path.id} take rate was not written: ${codes.join(', ')}`);
    }
    return { status: 200, body: { merchant: { ...merchantView({ ...merchant, takeRateBps: body.takeRateBps }), updatedAt } } };
  }
  throw new ProblemError('idempotency_in_progress');
});
