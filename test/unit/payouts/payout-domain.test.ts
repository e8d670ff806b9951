import fc from 'fast-check';
import { commissionFen, reversalTargetFen } from '../../../functions/payouts/commissions.js';
import type { CreatorTerms } from '../../../functions/payouts/creators.js';
import { eligibility } from '../../../functions/payouts/creators.js';
import { accrualPosting, payoutPosting, reversalPosting } from '../../../functions/payouts/ledger.js';
import { computeLine, startMonthIn } from '../../../functions/payouts/lines.js';
import { nextPeriod, periodEnd, periodOf, previousPeriod } from '../../../functions/payouts/periods.js';

const terms = (over: Partial<CreatorTerms> = {}): CreatorTerms => ({
  displayName: 'X',
  taxResidency: 'resident',
  identityVerified: true,
  followers: 1_000,
  contract: { type: 'personal', agencyId: null, commissionRateBps: 1_000, startsOn: '2026-01-01' },
  deductions: { monthlySpecialFen: 0, monthlySpecialAdditionalFen: 0 },
  lowIncomeRule: false,
  ...over,
});

describe('commissions', () => {
  it('rounds half-up to the fen', () => {
    expect(commissionFen(12345, 1000)).toBe(1235); // 1234.5 -> 1235
    expect(commissionFen(12344, 1000)).toBe(1234);
    expect(commissionFen(0, 1000)).toBe(0);
  });

  it('reverses in proportion, cumulatively (no drift across several refunds)', () => {
    expect(reversalTargetFen(1001, 1, 2)).toBe(501); // 500.5 -> 501
    expect(reversalTargetFen(1000, 3, 3)).toBe(1000);
    expect(reversalTargetFen(1000, 5, 3)).toBe(1000); // never more than the commission
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 100 }), (commission, paid, pct) => {
        const refunded = Math.floor((paid * pct) / 100);
        const target = reversalTargetFen(commission, refunded, paid);
        expect(target).toBeGreaterThanOrEqual(0);
        expect(target).toBeLessThanOrEqual(commission);
        expect(reversalTargetFen(commission, paid, paid)).toBe(commission);
      }),
    );
  });

  it('needs identity verification and 1,000 followers', () => {
    expect(eligibility({ identityVerified: true, followers: 1_000 }).eligible).toBe(true);
    expect(eligibility({ identityVerified: true, followers: 999 })).toEqual({ eligible: false, reason: 'fewer than 1000 followers' });
    expect(eligibility({ identityVerified: false, followers: 50_000 }).eligible).toBe(false);
  });
});

describe('periods (Asia/Shanghai months)', () => {
  it('puts an instant in its Shanghai month', () => {
    expect(periodOf(new Date('2026-10-31T15:59:59.999Z'))).toBe('2026-10');
    expect(periodOf(new Date('2026-10-31T16:00:00.000Z'))).toBe('2026-11'); // midnight in Shanghai
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(previousPeriod('2027-01')).toBe('2026-12');
    expect(periodEnd('2026-10')).toBe('2026-10-31T15:59:59.999Z');
  });
});

describe('payout lines (DOMAIN.md table)', () => {
  const agency = { agencyId: 'agy_1', name: 'A', feeBps: 2_000 };
  it('computes each kind', () => {
    const at = (t: CreatorTerms, grossFen: number, a: typeof agency | null = null) => computeLine({ creatorId: 'c', period: '2026-03', grossFen, terms: t, agency: a, ytd: null }).line;
    expect(at(terms({ taxResidency: 'non_resident' }), 2_000_000)).toMatchObject({ incomeCategory: 'labor_remuneration', taxableIncomeFen: 1_600_000, taxWithheldFen: 179_000, netFen: 1_821_000 });
    expect(at(terms(), 600_000)).toMatchObject({ taxableIncomeFen: 480_000, taxWithheldFen: 96_000, netFen: 504_000 });
    const agencyTerms = (taxResidency: CreatorTerms['taxResidency']) => terms({ taxResidency, contract: { type: 'agency', agencyId: 'agy_1', commissionRateBps: 1, startsOn: '2026-03-01' } });
    expect(at(agencyTerms('non_resident'), 800_000, agency)).toMatchObject({ incomeCategory: 'wages', agencyFeeFen: 160_000, taxableIncomeFen: 640_000, taxWithheldFen: 4_200, netFen: 635_800 });
    expect(at(agencyTerms('resident'), 3_000_000, agency)).toMatchObject({ agencyFeeFen: 600_000, taxableIncomeFen: 2_400_000, taxWithheldFen: 57_000, netFen: 2_343_000 });
  });

  it('counts months employed from the later of January and the contract start', () => {
    expect(startMonthIn(2026, 5, '2025-07-01')).toBe(1);
    expect(startMonthIn(2026, 5, '2026-04-15')).toBe(4);
    expect(startMonthIn(2026, 5, '2026-09-01')).toBe(5);
  });
});

describe('ledger postings', () => {
  it('always balance, so any sequence of them sums to zero over all accounts', () => {
    const posting = fc.oneof(
      fc.record({ kind: fc.constant('accrual' as const), amount: fc.integer({ min: 0, max: 1e9 }) }),
      fc.record({ kind: fc.constant('reversal' as const), amount: fc.integer({ min: 0, max: 1e9 }) }),
      fc.record({ kind: fc.constant('payout' as const), gross: fc.integer({ min: 0, max: 1e9 }), tax: fc.integer({ min: 0, max: 1e6 }), agency: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(posting, { maxLength: 50 }), (sequence) => {
        const balances = new Map<string, number>();
        for (const p of sequence) {
          const built =
            p.kind === 'accrual'
              ? accrualPosting('ord_1', 'cre_1', p.amount)
              : p.kind === 'reversal'
                ? reversalPosting('ord_1', 'cre_1', p.amount)
                : payoutPosting('run', { creatorId: 'cre_1', agencyId: p.agency ? 'agy_1' : null, grossFen: p.gross + p.tax, taxWithheldFen: p.tax, netFen: p.gross });
          for (const l of built.lines) balances.set(l.account, (balances.get(l.account) ?? 0) + l.amountFen);
        }
        expect([...balances.values()].reduce((s, v) => s + v, 0)).toBe(0);
      }),
    );
    expect(() => payoutPosting('run', { creatorId: 'c', agencyId: null, grossFen: 100, taxWithheldFen: 10, netFen: 80 })).toThrow('does not balance');
  });
});
