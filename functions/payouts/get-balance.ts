import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { periodNets, settlementState } from './settlement-queries.js';
import { balanceOf } from './settlement-views.js';

/** GET /v1/balance: `{ pending, available, paid }` (Money, CNY) from the merchant's period totals. */
export const handler = httpHandler({ access: keyed('merchant') }, async (request) => {
  const merchantId = requireTenant(request);
  const [periods, state] = await Promise.all([periodNets(merchantId), settlementState(merchantId)]);
  return { status: 200, body: balanceOf(periods, state, clock()) };
});
