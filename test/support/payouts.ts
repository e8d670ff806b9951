import { randomUUID } from 'node:crypto';
import { newId } from '../../functions/shared/ids.js';
import type { Runtime } from '../../lib/local/runtime.js';
import type { CreatorTerms } from '../../functions/payouts/creators.js';

/** Helpers of the connected payout tests: the business clock, and the events that accrue and reverse commissions. */
export const yuan = (n: number): number => Math.round(n * 100);

/** Moves the business clock (functions/shared/clock.ts) the handlers run on, as POST /local/clock does. */
export const setClock = (iso: string): void => {
  process.env.CLOCK_OFFSET_MS = String(Date.parse(iso) - Date.now());
};
export const clockNow = (): string => new Date(Date.now() + Number(process.env.CLOCK_OFFSET_MS ?? 0)).toISOString();

export const busEvent = (detailType: string, source: string, data: unknown) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'local',
  resources: [],
  detail: { metadata: { eventId: newId('evt'), version: 1, occurredAt: new Date().toISOString(), correlationId: 'payouts-test' }, data },
});

/** An attributed order delivered on `deliveredAt` (payable 7 days later): its commission accrues. */
export const deliverOrder = async (runtime: Runtime, creatorId: string, settlementYuan: number, deliveredAt: string, orderId = `ord_${newId('ord').slice(4)}`): Promise<string> => {
  await runtime.invoke(
    'accrueCommission',
    busEvent('OrderDelivered', 'xborder.orders', {
      orderId,
      merchantId: 'mer_01TEST',
      placedAt: clockNow(), // after the creators were registered: their terms then apply
      deliveredAt,
      settlementMerchandise: { amount: yuan(settlementYuan), currency: 'CNY' },
      attribution: { creatorId },
    }),
  );
  return orderId;
};

/** Terms of an eligible personal-contract creator (labour remuneration), for seeded data. */
export const personalTerms = (over: Partial<CreatorTerms> = {}): CreatorTerms => ({
  displayName: 'P',
  taxResidency: 'non_resident',
  identityVerified: true,
  followers: 10_000,
  contract: { type: 'personal', agencyId: null, commissionRateBps: 1000, startsOn: '2026-01-01' },
  deductions: { monthlySpecialFen: 0, monthlySpecialAdditionalFen: 0 },
  lowIncomeRule: false,
  ...over,
});
