import { lineDetail, lineDetailMaxEntries, shownOrderIds, type DetailEntry } from '../../../functions/payouts/payout-line-detail.js';

const entry = (n: number, over: Partial<DetailEntry> = {}): DetailEntry => ({
  entryId: `cen_${String(n).padStart(5, '0')}`,
  orderId: `ord_${String(n).padStart(5, '0')}`,
  kind: 'accrual',
  amountFen: 1_000,
  period: '2026-11',
  createdAt: '2026-11-10T00:00:00.000Z',
  ...over,
});
const run = { runId: 'run_2026-11', period: '2026-11', fromPeriod: '2026-10' };

describe('a payout line with what is behind it', () => {
  it('lists the entries by period and time, the orders with their commission, and what was carried in', () => {
    const entries = [
      entry(2, { period: '2026-11', createdAt: '2026-11-02T00:00:00.000Z', amountFen: 5_000 }),
      entry(3, { orderId: 'ord_00001', kind: 'reversal', period: '2026-11', createdAt: '2026-11-01T00:00:00.000Z', amountFen: -500 }),
      entry(1, { period: '2026-10', createdAt: '2026-10-30T00:00:00.000Z', amountFen: 2_000 }),
    ];
    const commissions = new Map([['ord_00001', { orderId: 'ord_00001', rateBps: 1000, amountFen: 2_000, reversedFen: 500 }]]);
    const orders = new Map([['ord_00001', { orderId: 'ord_00001', merchantId: 'mer_1', status: 'refunded', createdAt: '2026-10-01T00:00:00.000Z', deliveredAt: '2026-10-20T00:00:00.000Z' }]]);
    // The creator carried -1,000 fen from an earlier run: the line's gross is 6,500 - 1,000.
    const detail = lineDetail(run, { creatorId: 'cre_1', grossFen: 5_500 }, entries, commissions, orders);
    expect(detail.entries.map((e) => e.entryId)).toEqual(['cen_00001', 'cen_00003', 'cen_00002']);
    expect(detail.entries[1]).toMatchObject({ kind: 'reversal', amount: { amount: -500, currency: 'CNY' } });
    expect(detail).toMatchObject({ coversPeriods: { from: '2026-10', to: '2026-11' }, entriesTotal: { amount: 6_500 }, carriedIn: { amount: -1_000 }, truncated: false });
    expect(detail.orders).toEqual([
      { orderId: 'ord_00001', merchantId: 'mer_1', status: 'refunded', createdAt: '2026-10-01T00:00:00.000Z', deliveredAt: '2026-10-20T00:00:00.000Z', commissionRateBps: 1000, commission: { amount: 2_000, currency: 'CNY' }, reversed: { amount: 500, currency: 'CNY' } },
      { orderId: 'ord_00002', merchantId: null, status: null, createdAt: null, deliveredAt: null, commissionRateBps: null, commission: { amount: 0, currency: 'CNY' }, reversed: { amount: 0, currency: 'CNY' } },
    ]);
  });

  it('shows at most the bound of entries, says so, and still totals every entry', () => {
    const entries = Array.from({ length: lineDetailMaxEntries + 5 }, (_, i) => entry(i));
    const detail = lineDetail(run, { creatorId: 'cre_1', grossFen: entries.length * 1_000 }, entries, new Map(), new Map());
    expect(detail.entries.length).toBe(lineDetailMaxEntries);
    expect(detail.truncated).toBe(true);
    expect(detail.carriedIn.amount).toBe(0);
    expect(detail.orders.length).toBe(lineDetailMaxEntries);
  });

  it('reads the orders of the entries it shows, not the first orders in the order the entries were read', () => {
    // Read newest period first (as Promise.all of per-period queries may hand them over): the
    // answer shows the oldest entries, so those are the orders whose details must be fetched.
    const older = Array.from({ length: lineDetailMaxEntries }, (_, i) => entry(i, { period: '2026-10' }));
    const newer = Array.from({ length: 5 }, (_, i) => entry(lineDetailMaxEntries + i, { period: '2026-11' }));
    const ids = shownOrderIds([...newer, ...older]);
    expect(ids).toEqual(older.map((e) => e.orderId));
    const detail = lineDetail(run, { creatorId: 'cre_1', grossFen: 0 }, [...newer, ...older], new Map(), new Map());
    expect(detail.orders.map((o) => o.orderId)).toEqual(ids);
  });
});
