import { payoutLineBytes } from '../../../functions/payouts/payout-run-report.js';
import type { PayoutRunView } from '../../../functions/payouts/payout-line.js';
import { linesPage, reportPageMax } from '../../../functions/payouts/report-pages.js';
import { reportJson } from '../../../functions/payouts/report.js';
import { merchantStatementBytes } from '../../../functions/payouts/settlement-queries.js';
import { merchantStatementsJson, noMerchantTotals } from '../../../functions/payouts/settlement-views.js';
import type { MerchantStatementRecord } from '../../../functions/payouts/settlement-items.js';

// A report page ends at 5,000 lines or at reportPageBytes of weighed lines (0053). The weights
// must bound what Lambda returns: the response is JSON whose body is the page's JSON as a
// string, at most 6 MB. Names at their longest, in the characters that cost the most bytes
// (CJK 3 bytes; a quote or control character escaped twice), pass 6 MB in 5,000 lines, so the
// byte budget is what keeps such a page within the limit.

const lambdaLimit = 6 * 1024 * 1024;
/** The Lambda response of a JSON body, in bytes (headers are added; 2 KB covers ours). */
const responseSize = (body: unknown): number => Buffer.byteLength(JSON.stringify({ statusCode: 200, headers: {}, body: JSON.stringify(body) })) + 2_048;
const names = { cjk: '茶', quote: '"', control: '\u0001', latin: 'a' } as const;
const big = 99_999_999_999;
const id = (prefix: string, i: number) => `${prefix}_${String(i).padStart(26, '0')}`;

/** The lines that fit a first page: up to 5,000, ending before the one that would pass the budget (queryFill applies the same rule to stored records). */
const fitting = <T extends { merchantId: string } | { creatorId: string }>(records: readonly T[], weigh: (r: T) => number): T[] =>
  linesPage(records, (r) => ('merchantId' in r ? r.merchantId : r.creatorId), null, reportPageMax, { weigh }).lines;

describe.each(Object.entries(names))('a report page of the longest %s names', (kind, char) => {
  it('merchant statements: under 6 MB however the page ends', () => {
    const statements: MerchantStatementRecord[] = Array.from({ length: reportPageMax }, (_, i) => ({
      merchantId: id('mer', i),
      period: '2026-11',
      fromPeriod: '2026-09',
      name: char.repeat(200),
      grossFen: big,
      feeFen: -big,
      commissionFen: -big,
      refundsFen: -big,
      periodNetFen: -big,
      carriedInFen: -big,
      paidFen: big,
      carryForwardFen: -big,
      settledAt: '2026-12-02T00:00:00.000Z',
    }));
    const whole = responseSize({ ...merchantStatementsJson('run_2026-11', '2026-11', statements, noMerchantTotals), nextCursor: null });
    const page = fitting(statements, merchantStatementBytes);
    expect(responseSize({ ...merchantStatementsJson('run_2026-11', '2026-11', page, noMerchantTotals), nextCursor: 'c'.repeat(400) })).toBeLessThan(lambdaLimit);
    // Latin names fit 5,000 to a page; the costlier ones end their page sooner, and quotes and
    // control characters would pass 6 MB without the budget.
    if (kind === 'latin') expect(page).toHaveLength(reportPageMax);
    else expect(page.length).toBeLessThan(reportPageMax);
    if (kind === 'quote' || kind === 'control') expect(whole).toBeGreaterThan(lambdaLimit);
  });

  it('creator report, whole with one agency per creator: under 6 MB however the page ends', () => {
    const records = Array.from({ length: reportPageMax }, (_, i) => ({
      period: '2026-11',
      creatorId: id('cre', i),
      line: {
        creatorId: id('cre', i),
        displayName: char.repeat(100),
        agencyId: id('agy', i),
        agencyName: char.repeat(200),
        contractType: 'agency',
        taxResidency: 'non_resident',
        incomeCategory: 'wages',
        grossFen: big,
        agencyFeeFen: big,
        taxableIncomeFen: big,
        taxWithheldFen: big,
        netFen: big,
      },
    }));
    const run: PayoutRunView = { id: 'run_2026-11', period: '2026-11', status: 'completed', totals: { gross: { amount: big, currency: 'CNY' }, agencyFees: { amount: big, currency: 'CNY' }, taxWithheld: { amount: big, currency: 'CNY' }, net: { amount: big, currency: 'CNY' } }, lineCount: reportPageMax, createdAt: '2026-12-02T00:00:00.000Z' };
    const page = fitting(records, payoutLineBytes);
    const lines = page.map((r) => r.line as Parameters<typeof reportJson>[1][number]);
    expect(responseSize({ ...reportJson(run, lines), nextCursor: null })).toBeLessThan(lambdaLimit);
    expect(page.length).toBeLessThan(reportPageMax);
  });
});
