import * as z from 'zod/mini';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

const cny = z.object({ amount: z.number().check(z.int()), currency: z.literal('CNY') });
const period = z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/));

export const CommissionAccruedV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    creatorId: z.string().check(z.startsWith('cre_')),
    amount: cny,
    rateBps: z.number().check(z.int()),
    payableAt: z.iso.datetime(),
    period,
  }),
);

export const CommissionReversedV1 = () => eventDetail(
  1,
  z.object({ orderId: z.string().check(z.startsWith('ord_')), creatorId: z.string().check(z.startsWith('cre_')), amount: cny, reversedTotal: cny, period }),
);

/** Internal trigger: a run for the period was started (by finance or the monthly schedule). */
export const PayoutRunRequestedV1 = () => eventDetail(1, z.object({ runId: z.string().check(z.startsWith('run_')), period }));

export const PayoutRunCompletedV1 = () => eventDetail(
  1,
  z.object({
    runId: z.string().check(z.startsWith('run_')),
    period,
    lineCount: z.number().check(z.int()),
    totals: z.object({ gross: cny, agencyFees: cny, taxWithheld: cny, net: cny }),
    completedAt: z.iso.datetime(),
  }),
);

/** A delivered order's proceeds for its merchant (CNY), payable in `period` after the return window. */
export const MerchantSettlementAccruedV1 = () => eventDetail(
  1,
  z.object({
    orderId: z.string().check(z.startsWith('ord_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    gross: cny,
    platformFee: cny,
    creatorCommission: cny,
    net: cny,
    takeRateBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
    deliveredAt: z.iso.datetime(),
    payableAt: z.iso.datetime(),
    period,
  }),
);

/** A payout run settled a merchant's period: `net` is what is transferred (0 when the total carries forward). */
export const MerchantSettledV1 = () => eventDetail(
  1,
  z.object({
    runId: z.string().check(z.startsWith('run_')),
    period,
    merchantId: z.string().check(z.startsWith('mer_')),
    gross: cny,
    platformFee: cny,
    creatorCommissions: cny,
    refunds: cny,
    carriedIn: cny,
    carriedForward: cny,
    net: cny,
    settledAt: z.iso.datetime(),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const CommissionAccrued = defineEvent('CommissionAccrued', {
  source: eventSources.payouts,
  version: 1,
  schema: CommissionAccruedV1,
  description: "A creator's commission on a delivered order, payable after the return window.",
});

export const CommissionReversed = defineEvent('CommissionReversed', {
  source: eventSources.payouts,
  version: 1,
  schema: CommissionReversedV1,
  description: 'Part of a commission reversed in proportion to a refund.',
});

export const PayoutRunRequested = defineEvent('PayoutRunRequested', {
  source: eventSources.payouts,
  version: 1,
  schema: PayoutRunRequestedV1,
  description: 'A payout run for a period was started (processing is asynchronous and resumable).',
});

export const PayoutRunCompleted = defineEvent('PayoutRunCompleted', {
  source: eventSources.payouts,
  version: 1,
  schema: PayoutRunCompletedV1,
  description: 'A payout run finished: its lines and totals are final.',
});

export const MerchantSettlementAccrued = defineEvent('MerchantSettlementAccrued', {
  source: eventSources.payouts,
  version: 1,
  schema: MerchantSettlementAccruedV1,
  description: "A delivered order's proceeds for its merchant (gross, platform fee, creator commission, net), payable after the return window.",
});

export const MerchantSettled = defineEvent('MerchantSettled', {
  source: eventSources.payouts,
  version: 1,
  schema: MerchantSettledV1,
  description: "A payout run settled a merchant's period: paid, or a negative total carried forward.",
});
