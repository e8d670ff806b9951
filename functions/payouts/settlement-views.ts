/**
 * What merchants and finance see of merchant settlement (API.md "Merchant settlement"). Pure:
 * items in, answers out. Amounts are integer fen inside, Money (CNY) in JSON and decimal
 * yuan strings in CSV (the payout report's CSV writer).
 */
import { money, toDecimalString, type Money } from '../shared/money.js';
import { periodEnd } from './periods.js';
import { csvDocument, csvRows, defuseCsvFormula } from './report.js';
import { addFigures, emptyFigures, figuresOf, type StatementFigures } from './settlement.js';
import { responseBytes } from './report-pages.js';

const cny = (fen: number): Money => money(fen, 'CNY');

export interface EntryRow {
  readonly orderId: string;
  readonly kind: 'accrual' | 'reversal';
  readonly grossFen: number;
  readonly feeFen: number;
  readonly commissionFen: number;
  readonly deliveredAt: string;
}

export interface StatementLineFigures extends StatementFigures {
  readonly orderId: string;
  readonly deliveredAt: string;
}

/** One line per order (entries sorted or not), sorted by orderId; refunds are negative. */
export const statementLines = (entries: Iterable<EntryRow>): StatementLineFigures[] => {
  const byOrder = new Map<string, StatementLineFigures>();
  for (const e of entries) {
    const before = byOrder.get(e.orderId) ?? { orderId: e.orderId, deliveredAt: e.deliveredAt, ...emptyFigures };
    byOrder.set(e.orderId, { ...before, ...addFigures(before, figuresOf(e.kind, { grossFen: e.grossFen, feeFen: e.feeFen, commissionFen: e.commissionFen })) });
  }
  return [...byOrder.values()].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
};

export const totalsOf = (lines: Iterable<StatementFigures>): StatementFigures => {
  let sum = emptyFigures;
  for (const l of lines) sum = addFigures(sum, l);
  return sum;
};

const figuresView = (f: StatementFigures) => ({ gross: cny(f.grossFen), platformFee: cny(f.feeFen), creatorCommission: cny(f.commissionFen), refunds: cny(f.refundsFen), net: cny(f.netFen) });

/** The header of a settled period (from the statement item). */
export interface SettledHeader {
  readonly period: string;
  readonly fromPeriod: string;
  readonly carriedInFen: number;
  readonly paidFen: number;
  readonly carryForwardFen: number;
  readonly settledAt: string;
}

const statementLineView = (l: StatementLineFigures) => ({ orderId: l.orderId, deliveredAt: l.deliveredAt, ...figuresView(l) });

/** A statement line's bytes in the JSON response (its CSV row is smaller). */
export const statementLineBytes = (l: StatementLineFigures): number => responseBytes(statementLineView(l));

/** A statement: the totals of all its `lines`, and the lines of `page` (all of them unless paged, 0053). */
export const statementJson = (merchantId: string, period: string, lines: readonly StatementLineFigures[], settled: SettledHeader | null, page: readonly StatementLineFigures[] = lines) => {
  const totals = totalsOf(lines);
  return {
    merchantId,
    period,
    status: settled ? ('settled' as const) : ('open' as const),
    ...(settled ? { coversPeriods: { from: settled.fromPeriod, to: settled.period }, settledAt: settled.settledAt } : {}),
    lines: page.map(statementLineView),
    totals: {
      ...figuresView(totals),
      carriedIn: cny(settled?.carriedInFen ?? 0),
      paid: cny(settled?.paidFen ?? 0),
      carriedForward: cny(settled?.carryForwardFen ?? 0),
    },
  };
};

/** The statement CSV header, fixed by API.md. */
export const statementCsvHeader = 'order_id,delivered_at,gross_cny,platform_fee_cny,creator_commission_cny,refunds_cny,net_cny';

const statementRows = (lines: readonly StatementLineFigures[]): string[][] =>
  lines.map((l) => [l.orderId, l.deliveredAt, ...[l.grossFen, l.feeFen, l.commissionFen, l.refundsFen, l.netFen].map(toDecimalString)]);

/** The statement CSV, or with `rowsOnly` a later page of it (0053). */
export const statementCsv = (lines: readonly StatementLineFigures[], rowsOnly = false): string =>
  rowsOnly ? csvRows(statementRows(lines)) : csvDocument(statementCsvHeader, statementRows(lines));

/** A merchant's settled period, as the settlements list and the finance report show it. */
export interface StatementHeaderItem extends SettledHeader {
  readonly merchantId: string;
  readonly name: string;
  readonly grossFen: number;
  readonly feeFen: number;
  readonly commissionFen: number;
  readonly refundsFen: number;
  readonly periodNetFen: number;
}

/** The figures of a settled period (a statement header): the settlements list and the finance lines share them. */
const settledFigures = (s: Omit<StatementHeaderItem, 'settledAt' | 'fromPeriod' | 'period' | 'merchantId' | 'name'>) => ({
  gross: cny(s.grossFen),
  platformFee: cny(s.feeFen),
  creatorCommissions: cny(s.commissionFen),
  refunds: cny(s.refundsFen),
  carriedIn: cny(s.carriedInFen),
  carriedForward: cny(s.carryForwardFen),
  net: cny(s.paidFen),
});

export const settlementView = (s: StatementHeaderItem) => ({
  period: s.period,
  coversPeriods: { from: s.fromPeriod, to: s.period },
  status: 'settled' as const,
  ...settledFigures(s),
  settledAt: s.settledAt,
  statement: `/v1/settlements/${s.period}/statement`,
});

/** Finance: one line per merchant of a run (API.md field names). */
export const merchantStatementLine = (s: Omit<StatementHeaderItem, 'settledAt' | 'fromPeriod' | 'period'>) => ({ merchantId: s.merchantId, name: s.name, ...settledFigures(s) });

const byMerchant = <T extends { merchantId: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0));

/** A run's merchant totals (the `merchantRun` item, summed in each merchant's settling transaction). */
export interface RunMerchantTotals {
  readonly grossFen: number;
  readonly feeFen: number;
  readonly commissionFen: number;
  readonly refundsFen: number;
  readonly carriedForwardFen: number;
  readonly netFen: number;
}

type RunStatementItem = Omit<StatementHeaderItem, 'settledAt' | 'fromPeriod' | 'period'>;

/** The totals of a run that settled no merchant. */
export const noMerchantTotals: RunMerchantTotals = { ...emptyFigures, carriedForwardFen: 0 };

/**
 * One page of a run's merchant statements (0053): its lines, and the whole run's totals on
 * every page.
 */
export const merchantStatementsJson = (runId: string, period: string, items: readonly RunStatementItem[], totals: RunMerchantTotals) => ({
  runId,
  period,
  lines: byMerchant(items).map(merchantStatementLine),
  totals: {
    gross: cny(totals.grossFen),
    platformFee: cny(totals.feeFen),
    creatorCommissions: cny(totals.commissionFen),
    refunds: cny(totals.refundsFen),
    carriedForward: cny(totals.carriedForwardFen),
    net: cny(totals.netFen),
  },
});

export const merchantStatementsCsvHeader = 'merchant_id,name,gross_cny,platform_fee_cny,creator_commissions_cny,refunds_cny,carried_in_cny,carried_forward_cny,net_cny';

const merchantStatementRows = (items: readonly RunStatementItem[]): string[][] =>
  byMerchant(items).map((s) => [
    s.merchantId,
    defuseCsvFormula(s.name),
    ...[s.grossFen, s.feeFen, s.commissionFen, s.refundsFen, s.carriedInFen, s.carryForwardFen, s.paidFen].map(toDecimalString),
  ]);

/** The first page of the CSV (BOM and header), or with `rowsOnly` a later one (0053). */
export const merchantStatementsCsv = (items: readonly RunStatementItem[], rowsOnly = false): string =>
  rowsOnly ? csvRows(merchantStatementRows(items)) : csvDocument(merchantStatementsCsvHeader, merchantStatementRows(items));

/**
 * The balance from a merchant's period totals: `paid` = what runs transferred; of what no run
 * settled yet, `available` = the periods already over plus the carried-forward total (what a
 * run would pay now), `pending` = the periods still running (return window or month not over).
 */
export const balanceOf = (periods: ReadonlyArray<{ period: string; netFen: number }>, state: { lastPeriod: string; carryForwardFen: number; paidFen: number } | null, now: Date) => {
  let pending = 0;
  let available = state?.carryForwardFen ?? 0;
  for (const p of periods) {
    if (state && p.period <= state.lastPeriod) continue;
    if (periodEnd(p.period) < now.toISOString()) available += p.netFen;
    else pending += p.netFen;
  }
  return { pending: cny(pending), available: cny(available), paid: cny(state?.paidFen ?? 0) };
};
