import fc from 'fast-check';
import { commissionFen, reversalTargetFen } from '../../../functions/payouts/commissions.js';
import { accrualPosting, payoutPosting, reversalPosting } from '../../../functions/payouts/ledger.js';
import { accrualOf, netOf, platformFeeFen, reversedTarget, settleTotals } from '../../../functions/payouts/settlement.js';
import { merchantPayoutPosting, merchantAccrualPosting, type MerchantPosting } from '../../../functions/payouts/settlement-ledger.js';
import { applyFact, dutiesFenOf, initialSettlement, type OrderSettlement, type SettlementEntryDraft, type SettlementFact } from '../../../functions/payouts/settlement-order.js';
import { balanceOf, statementCsv, statementLines } from '../../../functions/payouts/settlement-views.js';

// Merchant settlement arithmetic (DOMAIN.md "Merchant settlement") and the ledger property:
// after any interleaving of payments, deliveries, refunds, cancellations and runs, the
// ledger sums to zero and every account equals what the entries say it should.

const delivered = (over: Partial<Extract<SettlementFact, { kind: 'delivered' }>> = {}): SettlementFact => ({
  kind: 'delivered',
  grossFen: 100_000,
  takeRateBps: 500,
  commissionRateBps: 1_000,
  deliveredAt: '2026-10-05T00:00:00.000Z',
  payableAt: '2026-10-12T00:00:00.000Z',
  period: '2026-10',
  ...over,
});

describe('settlement arithmetic', () => {
  it('rounds the platform fee half-up to the fen', () => {
    expect(platformFeeFen(12_345, 500)).toBe(617); // 617.25
    expect(platformFeeFen(10, 500)).toBe(1); // 0.5 -> 1
    expect(platformFeeFen(9, 500)).toBe(0); // 0.45
    expect(platformFeeFen(100_000, 0)).toBe(0);
    expect(platformFeeFen(100_000, 10_000)).toBe(100_000);
  });

  it('accrues gross, fee, the creator commission the commissions module computes, and net', () => {
    const a = accrualOf(45_900, 800, 1_000);
    expect(a).toEqual({ grossFen: 45_900, feeFen: 3_672, commissionFen: commissionFen(45_900, 1_000) });
    expect(netOf(a)).toBe(45_900 - 3_672 - 4_590);
    expect(accrualOf(45_900, 500, null).commissionFen).toBe(0); // no creator, or an ineligible one
  });

  it('reverses each amount in proportion to the refund, on its own', () => {
    const a = { grossFen: 1_001, feeFen: 51, commissionFen: 101 };
    expect(reversedTarget(a, 1, 2)).toEqual({ grossFen: 501, feeFen: 26, commissionFen: 51 }); // 500.5, 25.5, 50.5
    expect(reversedTarget(a, 2, 2)).toEqual(a);
  });

  it('pays a positive period total and carries a negative one forward', () => {
    expect(settleTotals(5_000, -1_200)).toEqual({ totalFen: 3_800, paidFen: 3_800, carryForwardFen: 0 });
    expect(settleTotals(-700, -100)).toEqual({ totalFen: -800, paidFen: 0, carryForwardFen: -800 });
    expect(settleTotals(0, 0)).toEqual({ totalFen: 0, paidFen: 0, carryForwardFen: 0 });
  });

  it('computes duties in CNY from the declared lines as the quote does', () => {
    expect(dutiesFenOf([{ declaredFen: 12_800, dutyRateBps: 1_000 }, { declaredFen: 45_905, dutyRateBps: 1_000 }])).toBe(5_871); // 5870.5
  });

  it('posts only the lines that move money', () => {
    expect(merchantAccrualPosting('ord_1', 'mer_1', { feeFen: 100, commissionFen: 0 }).lines).toEqual([
      { account: 'merchant_payable:mer_1', amountFen: 100 },
      { account: 'platform_revenue', amountFen: -100 },
    ]);
    expect(merchantPayoutPosting('run_2026-10:mer_1', 'mer_1', 0).lines).toEqual([]);
  });
});

describe('an order settlement', () => {
  const start = initialSettlement('ord_1', 'mer_1');

  it('accrues nothing once cancelled, and a cancelled order is never accrued', () => {
    const cancelled = applyFact(start, { kind: 'cancelled' });
    expect(cancelled?.entries).toEqual([]);
    expect(cancelled && applyFact(cancelled.state, delivered())).toBeNull();
  });

  it('a refund before delivery is reversed in the accrual period; after a run, in the open period it is given', () => {
    const paid = applyFact(start, { kind: 'paid', collected: { grossFen: 100_000, shippingFen: 3_000, dutiesFen: 10_000 } });
    const early = paid && applyFact(paid.state, { kind: 'refunded', refundedTotal: 1_000, paidTotal: 4_000, period: '' });
    expect(early?.entries).toEqual([]); // not delivered yet: only the cash goes back
    const atDelivery = early && applyFact(early.state, delivered());
    expect(atDelivery?.entries.map((e) => [e.kind, e.amounts, e.period])).toEqual([
      ['accrual', { grossFen: 100_000, feeFen: 5_000, commissionFen: 10_000 }, '2026-10'],
      ['reversal', { grossFen: -25_000, feeFen: -1_250, commissionFen: -2_500 }, '2026-10'],
    ]);
    const late = atDelivery && applyFact(atDelivery.state, { kind: 'refunded', refundedTotal: 2_000, paidTotal: 4_000, period: '2026-11' });
    expect(late?.entries).toEqual([{ kind: 'reversal', amounts: { grossFen: -25_000, feeFen: -1_250, commissionFen: -2_500 }, period: '2026-11', deliveredAt: '2026-10-05T00:00:00.000Z' }]);
    expect(late && applyFact(late.state, { kind: 'refunded', refundedTotal: 2_000, paidTotal: 4_000, period: '2026-11' })).toBeNull(); // duplicate
    expect(late && applyFact(late.state, { kind: 'refunded', refundedTotal: 1_000, paidTotal: 4_000, period: '2026-11' })).toBeNull(); // older news
  });
});

describe('statements and balance', () => {
  it('one line per order; refunds show the net they take back; CSV in the report format', () => {
    const lines = statementLines([
      { orderId: 'ord_B', kind: 'accrual', grossFen: 100_000, feeFen: 5_000, commissionFen: 10_000, deliveredAt: '2026-10-05T00:00:00.000Z' },
      { orderId: 'ord_A', kind: 'reversal', grossFen: -25_000, feeFen: -1_250, commissionFen: -2_500, deliveredAt: '2026-09-30T00:00:00.000Z' },
      { orderId: 'ord_B', kind: 'reversal', grossFen: -50_000, feeFen: -2_500, commissionFen: -5_000, deliveredAt: '2026-10-05T00:00:00.000Z' },
    ]);
    expect(lines).toEqual([
      { orderId: 'ord_A', deliveredAt: '2026-09-30T00:00:00.000Z', grossFen: 0, feeFen: 0, commissionFen: 0, refundsFen: -21_250, netFen: -21_250 },
      { orderId: 'ord_B', deliveredAt: '2026-10-05T00:00:00.000Z', grossFen: 100_000, feeFen: 5_000, commissionFen: 10_000, refundsFen: -42_500, netFen: 42_500 },
    ]);
    expect(statementCsv(lines)).toBe(
      '\uFEFForder_id,delivered_at,gross_cny,platform_fee_cny,creator_commission_cny,refunds_cny,net_cny\r\n' +
        'ord_A,2026-09-30T00:00:00.000Z,0.00,0.00,0.00,-212.50,-212.50\r\n' +
        'ord_B,2026-10-05T00:00:00.000Z,1000.00,50.00,100.00,-425.00,425.00\r\n',
    );
  });

  it('splits what no run settled into available (periods over, carry) and pending', () => {
    const periods = [
      { period: '2026-09', netFen: 10_000 },
      { period: '2026-10', netFen: 2_000 },
      { period: '2026-11', netFen: 3_000 },
      { period: '2026-12', netFen: 4_000 },
    ];
    const state = { lastPeriod: '2026-09', carryForwardFen: -500, paidFen: 10_000 };
    expect(balanceOf(periods, state, new Date('2026-12-03T00:00:00.000Z'))).toEqual({
      pending: { amount: 4_000, currency: 'CNY' },
      available: { amount: 4_500, currency: 'CNY' },
      paid: { amount: 10_000, currency: 'CNY' },
    });
  });
});

// ---- The ledger property ------------------------------------------------------------------

interface OrderPlan {
  readonly merchant: number;
  readonly creator: number | null;
  readonly grossFen: number;
  readonly shippingFen: number;
  readonly dutiesFen: number;
  readonly takeRateBps: number;
  readonly paidTotal: number;
  /** Increasing cumulative refunds (presentment minor units). */
  readonly refunds: readonly number[];
  readonly ends: 'delivered' | 'cancelled';
}

const orderPlan: fc.Arbitrary<OrderPlan> = fc
  .record({
    merchant: fc.integer({ min: 0, max: 2 }),
    creator: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
    grossFen: fc.integer({ min: 1, max: 5_000_000 }),
    shippingFen: fc.integer({ min: 0, max: 20_000 }),
    dutiesFen: fc.integer({ min: 0, max: 500_000 }),
    takeRateBps: fc.integer({ min: 0, max: 10_000 }),
    paidTotal: fc.integer({ min: 1, max: 2_000_000 }),
    refundCuts: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 3 }),
    ends: fc.constantFrom('delivered' as const, 'cancelled' as const),
  })
  .map(({ refundCuts, ...plan }) => {
    const cuts = [...new Set(refundCuts)].sort((a, b) => a - b);
    const refunds = plan.ends === 'cancelled' ? [plan.paidTotal] : cuts.map((c) => Math.floor((plan.paidTotal * c) / 100)).filter((r) => r > 0);
    return { ...plan, refunds };
  });

type Step = { kind: 'order'; order: number } | { kind: 'run' };

describe('the ledger', () => {
  it('sums to zero and reconciles every account after any interleaving of payments, deliveries, refunds, cancellations and runs', () => {
    const scenario = fc
      .array(orderPlan, { minLength: 1, maxLength: 6 })
      .chain((orders) => {
        // Every order's facts, in its lifecycle order; the interleaving mixes orders, duplicates some events and adds runs.
        const steps = orders.flatMap((o, i) => Array.from({ length: 2 + o.refunds.length + 1 }, (): Step => ({ kind: 'order', order: i })));
        return fc.tuple(fc.constant(orders), fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }), fc.array(fc.integer({ min: 0, max: steps.length }), { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 4 }));
      });
    fc.assert(
      fc.property(scenario, ([orders, interleaving, runsAt, duplicates]) => {
        const steps: Step[] = [...interleaving];
        for (const at of [...runsAt].sort((a, b) => b - a)) steps.splice(at, 0, { kind: 'run' });
        const facts = orders.map((o): SettlementFact[] => [
          { kind: 'paid', collected: { grossFen: o.grossFen, shippingFen: o.shippingFen, dutiesFen: o.dutiesFen } },
          ...(o.ends === 'cancelled'
            ? [{ kind: 'cancelled' as const }, { kind: 'refunded' as const, refundedTotal: o.paidTotal, paidTotal: o.paidTotal, period: '' }]
            : [delivered({ grossFen: o.grossFen, takeRateBps: o.takeRateBps, commissionRateBps: o.creator === null ? null : 1_000 }), ...o.refunds.map((r) => ({ kind: 'refunded' as const, refundedTotal: r, paidTotal: o.paidTotal, period: '' }))]),
        ]);
        // The events arrive per order in their lifecycle order, except that a duplicate of an earlier one may come again later.
        const next = orders.map(() => 0);
        const states: OrderSettlement[] = orders.map((o, i) => initialSettlement(`ord_${i}`, `mer_${o.merchant}`));
        const postings: MerchantPosting[] = [];
        const commissionPostings: Array<{ lines: ReadonlyArray<{ account: string; amountFen: number }> }> = [];
        const unsettled = new Map<string, number>(); // merchant -> entries' net no run settled
        const carry = new Map<string, number>();
        const paidOut = new Map<string, number>();
        const creatorOwed = new Map<string, number>();
        const commission = orders.map(() => ({ accrued: 0, reversed: 0 }));
        const entriesOf = (merchantId: string, entries: readonly SettlementEntryDraft[]) => {
          for (const e of entries) unsettled.set(merchantId, (unsettled.get(merchantId) ?? 0) + netOf(e.amounts));
        };
        let duplicateIndex = 0;
        const run = () => {
            for (const [merchantId, net] of unsettled) {
              const totals = settleTotals(net, carry.get(merchantId) ?? 0);
              if (totals.paidFen > 0) postings.push(merchantPayoutPosting(`run:${merchantId}`, merchantId, totals.paidFen));
              carry.set(merchantId, totals.carryForwardFen);
              paidOut.set(merchantId, (paidOut.get(merchantId) ?? 0) + totals.paidFen);
            }
            unsettled.clear();
            for (const [creatorId, owed] of creatorOwed) {
              if (owed > 0) commissionPostings.push(payoutPosting(`run:${creatorId}`, { creatorId, agencyId: null, grossFen: owed, taxWithheldFen: Math.floor(owed / 5), netFen: owed - Math.floor(owed / 5) }));
              creatorOwed.set(creatorId, Math.min(0, owed));
            }
        };
        const apply = (i: number, fact: SettlementFact) => {
          const o = orders[i];
          const state = states[i];
          if (!o || !state) return;
          const result = applyFact(state, fact);
          if (!result) return;
          states[i] = result.state;
          postings.push(...result.postings);
          entriesOf(state.merchantId, result.entries);
          // The creator's side, as the commissions module posts it (same targets).
          if (o.creator !== null && result.state.accrued) {
            const creatorId = `cre_${o.creator}`;
            const accrue = commission[i];
            if (accrue && accrue.accrued === 0 && result.state.accrued.commissionFen > 0) {
              accrue.accrued = result.state.accrued.commissionFen;
              commissionPostings.push(accrualPosting(`ord_${i}`, creatorId, accrue.accrued));
              creatorOwed.set(creatorId, (creatorOwed.get(creatorId) ?? 0) + accrue.accrued);
            }
            const target = accrue ? reversalTargetFen(accrue.accrued, result.state.refundedTotal, result.state.paidTotal) : 0;
            if (accrue && target > accrue.reversed) {
              commissionPostings.push(reversalPosting(`ord_${i}`, creatorId, target - accrue.reversed));
              creatorOwed.set(creatorId, (creatorOwed.get(creatorId) ?? 0) - (target - accrue.reversed));
              accrue.reversed = target;
            }
          }
        };
        for (const step of steps) {
          if (step.kind === 'run') {
            run();
            continue;
          }
          const i = step.order;
          const list = facts[i] ?? [];
          const redo = (duplicates[duplicateIndex] ?? 1) % 3 === 0 && (next[i] ?? 0) > 0;
          duplicateIndex += 1;
          const fact = redo ? list[(next[i] ?? 1) - 1] : list[next[i] ?? 0];
          if (!redo) next[i] = (next[i] ?? 0) + 1;
          if (fact) apply(i, fact);
        }
        // Whatever an order's events had not delivered yet arrives late, then a last run.
        facts.forEach((list, i) => list.slice(next[i] ?? 0).forEach((fact) => apply(i, fact)));
        run();

        const balances = new Map<string, number>();
        for (const p of [...postings, ...commissionPostings]) {
          expect(p.lines.map((l) => l.amountFen).reduce((s, v) => s + v, 0)).toBe(0);
          for (const l of p.lines) balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
        }
        const balance = (account: string) => balances.get(account) ?? 0;
        expect([...balances.values()].reduce((s, v) => s + v, 0)).toBe(0);

        // Every account, from the orders' final states.
        const sum = (pick: (s: OrderSettlement) => number) => states.reduce((t, s) => t + pick(s), 0);
        const collected = (s: OrderSettlement, k: 'grossFen' | 'shippingFen' | 'dutiesFen') => (s.collected ? s.collected[k] - s.cashReversed[k] : 0);
        expect(balance('cash:stripe')).toBe(sum((s) => collected(s, 'grossFen') + collected(s, 'shippingFen') + collected(s, 'dutiesFen')));
        expect(balance('shipping_payable')).toBe(0 - sum((s) => collected(s, 'shippingFen')));
        expect(balance('duties_payable')).toBe(0 - sum((s) => collected(s, 'dutiesFen')));
        expect(balance('platform_revenue')).toBe(0 - sum((s) => (s.accrued ? s.accrued.feeFen - s.entryReversed.feeFen : 0)));
        // The creator's commission is an expense the merchant funds in full: it nets to zero.
        expect(balance('commission_expense')).toBe(0);
        for (let m = 0; m < 3; m += 1) {
          const merchantId = `mer_${m}`;
          const mine = states.filter((s) => s.merchantId === merchantId);
          const owed = mine.reduce((t, s) => t + collected(s, 'grossFen') - (s.accrued ? s.accrued.feeFen + s.accrued.commissionFen - s.entryReversed.feeFen - s.entryReversed.commissionFen : 0), 0);
          expect(balance(`merchant_payable:${merchantId}`)).toBe(0 - (owed - (paidOut.get(merchantId) ?? 0)));
          expect(balance(`merchant_settlement:${merchantId}`)).toBe(0 - (paidOut.get(merchantId) ?? 0));
          // Entries: what was paid plus what carries forward is every entry's net (all were run at the end).
          const entriesNet = mine.reduce((t, s) => t + (s.accrued ? netOf(s.accrued) - netOf(s.entryReversed) : 0), 0);
          expect((paidOut.get(merchantId) ?? 0) + (carry.get(merchantId) ?? 0)).toBe(entriesNet);
        }
        // Final states do not depend on the interleaving: refunds reached their targets.
        states.forEach((s, i) => {
          const o = orders[i];
          if (!o) return;
          expect(s.status).toBe(o.ends === 'cancelled' ? 'cancelled' : 'accrued');
          if (s.accrued) expect(s.entryReversed).toEqual(reversedTarget(s.accrued, s.refundedTotal, s.paidTotal));
        });
      }),
      { seed: 20261203, numRuns: 150 },
    );
  });
});
