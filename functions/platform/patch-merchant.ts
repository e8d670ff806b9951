import * as z from 'zod';
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { takeRateBpsSchema } from '../orders/order.js';

export const merchantPath = z.object({ id: z.string().startsWith('mer_').max(64) });
export const patchMerchantBody = z.strictObject({ takeRateBps: takeRateBpsSchema });

/**
 * PATCH /v1/admin/merchants/{id} `{ takeRateBps }`: the take rate for orders placed from now
 * on. Orders already placed keep the rate they snapshot (DOMAIN.md "Merchant settlement").
 * Optimistic locking on the merchant's `version`.
 */
export const handler = httpHandler({ access: keyed('admin'), path: merchantPath, body: patchMerchantBody }, async ({ path, body }) => {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { data: merchant } = await db().entities.merchant.get({ merchantId: path.id }).go({ consistent: true });
    if (!merchant) throw new ProblemError('not_found');
    const version = merchant.version ?? 0;
    const updatedAt = new Date().toISOString();
    const write = db().entities.merchant.patch({ merchantId: path.id }).set({ takeRateBps: body.takeRateBps, updatedAt, version: version + 1 });
    const guarded = merchant.version === undefined ? write.where(({ version: v }, { notExists }) => notExists(v)) : write.where(({ version: v }, { eq }) => eq(v, version));
    try {
      await guarded.go();
    } catch (error) {
      if (isConditionalCheckFailure(error)) continue;
      throw error;
    }
    const { merchantId, name, uscc, contactEmail, markets, status, createdAt } = merchant;
    return {
      status: 200,
      body: { merchant: { id: merchantId, name, uscc, contactEmail, markets, status, takeRateBps: body.takeRateBps, createdAt, updatedAt } },
    };
  }
  throw new ProblemError('idempotency_in_progress');
});
