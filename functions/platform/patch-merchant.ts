import * as z from 'zod';
import { MerchantTakeRateChanged } from '../../events/schemas/orders.js';
import { backoff } from '../shared/backoff.js';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { defaultTakeRateBps, takeRateBpsSchema } from '../orders/order.js';
import { merchantView } from './merchants.js';

export const merchantPath = z.object({ id: z.string().startsWith('mer_').max(64) });
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
    const { data: merchant } = await db().entities.merchant.get({ merchantId: path.id }).go({ consistent: true });
    if (!merchant) throw new ProblemError('not_found');
    const version = merchant.version ?? 0;
    const now = new Date();
    const updatedAt = now.toISOString();
    const changed = outboxEvent(
      MerchantTakeRateChanged,
      { merchantId: merchant.merchantId, previousTakeRateBps: merchant.takeRateBps ?? defaultTakeRateBps, takeRateBps: body.takeRateBps, changedAt: updatedAt },
      requestContext(request, now),
    );
    const result = await db()
      .transaction.write(({ merchant: entity, outbox }) => {
        const write = entity.patch({ merchantId: path.id }).set({ takeRateBps: body.takeRateBps, updatedAt, version: version + 1 });
        return [
          (merchant.version === undefined ? write.where(({ version: v }, { notExists }) => notExists(v)) : write.where(({ version: v }, { eq }) => eq(v, version))).commit(),
          outbox.create(changed).commit(),
        ];
      })
      .go();
    if (result.canceled) {
      const codes = result.data.map((d) => d.code);
      if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) continue;
      throw new Error(`merchant ${path.id} take rate was not written: ${codes.join(', ')}`);
    }
    return { status: 200, body: { merchant: { ...merchantView({ ...merchant, takeRateBps: body.takeRateBps }), updatedAt } } };
  }
  throw new ProblemError('idempotency_in_progress');
});
