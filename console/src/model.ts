/**
 * The finance console's pure logic (no DOM): the periods list, the run's figures derived from
 * its report lines (tax by income category, agency remittance), and the lines table's search,
 * sort and paging. Amounts are integer fen, as the API sends them (Money, CNY). What the
 * server computes too (agency totals, yuan text, CSV) is imported from it, not written again.
 */
import { nextPeriod, periodPattern, previousPeriod } from '../../functions/payouts/periods.js';
import { toDecimalString } from '../../functions/shared/money-arithmetic.js';
import { agencyTotals, csvDocument, type AgencyTotals, type PayoutReportLine as ReportLine } from '../../functions/payouts/report.js';
import type { PayoutRunView as RunView } from '../../functions/payouts/payout-line.js';

/** The API's own types of a run, a report line and an agency's totals. */
export type { Money } from '../../functions/shared/money-arithmetic.js';
export type { PayoutRunView as RunView } from '../../functions/payouts/payout-line.js';
export type { AgencyTotals, PayoutReportLine as ReportLine } from '../../functions/payouts/report.js';

/** How many months back from the current one the periods view reaches when no run is older. */
export const periodsShown = 12;

export type PeriodState =
  | { readonly kind: 'run'; readonly run: RunView }
  /** Over, no run, and no later run: a run can be started. */
  | { readonly kind: 'runnable' }
  /** No run of its own, but a later run caught its entries up (DOMAIN.md "Payout runs"). */
  | { readonly kind: 'caught_up'; readonly by: string }
  /** The current month: not over yet. */
  | { readonly kind: 'open' };

export interface PeriodRow {
  readonly period: string;
  readonly state: PeriodState;
}

/**
 * Every period from the older of (the oldest run, `periodsShown` months back) through the
 * current one, newest first, with its run or what can be done with it.
 */
export const periodRows = (current: string, runs: readonly RunView[]): PeriodRow[] => {
  if (!periodPattern.test(current)) throw new RangeError(`not a period: ${current}`);
  const byPeriod = new Map(runs.map((run) => [run.period, run]));
  let first = current;
  for (let i = 1; i < periodsShown; i += 1) first = previousPeriod(first);
  for (const run of runs) if (run.period < first) first = run.period;
  const latestRun = runs.reduce<string | undefined>((latest, run) => (latest === undefined || run.period > latest ? run.period : latest), undefined);
  const rows: PeriodRow[] = [];
  for (let period = first; period <= current || byPeriod.has(period); period = nextPeriod(period)) {
    const run = byPeriod.get(period);
    let state: PeriodState;
    if (run) state = { kind: 'run', run };
    else if (latestRun !== undefined && latestRun > period) state = { kind: 'caught_up', by: [...byPeriod.keys()].filter((p) => p > period).sort()[0] ?? latestRun };
    else if (period >= current) state = { kind: 'open' };
    else state = { kind: 'runnable' };
    rows.push({ period, state });
  }
  return rows.reverse();
};

/** The month (Asia/Shanghai, as payout periods are) of an instant. */
export const shanghaiPeriod = (instant: Date): string => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

export interface CategoryTax {
  readonly incomeCategory: ReportLine['incomeCategory'];
  readonly lines: number;
  readonly gross: number;
  readonly taxWithheld: number;
}

/** Tax withheld by income category (wages, labour remuneration), both always present. */
export const taxByCategory = (lines: readonly ReportLine[]): CategoryTax[] =>
  (['wages', 'labor_remuneration'] as const).map((incomeCategory) => {
    const of = lines.filter((line) => line.incomeCategory === incomeCategory);
    return {
      incomeCategory,
      lines: of.length,
      gross: of.reduce((sum, line) => sum + line.gross.amount, 0),
      taxWithheld: of.reduce((sum, line) => sum + line.taxWithheld.amount, 0),
    };
  });

/**
 * What finance settles with each agency (DOMAIN.md "Payout runs and withholding"): the
 * report's own per-agency totals (the JSON report's `agencies`), here over every line of the
 * run, whatever the number of report pages.
 */
export { agencyTotals };

export const remittanceCsvHeader = 'agency_id,creators,gross_cny,agency_fee_cny,tax_to_remit_cny,net_to_pay_cny';

/** The remittance summary as a CSV file in the API's format (report.ts `csvDocument`: UTF-8 BOM, RFC 4180, CRLF, yuan). */
export const remittanceCsv = (agencies: readonly AgencyTotals[]): string =>
  csvDocument(
    remittanceCsvHeader,
    agencies.map((a) => [a.agencyId, String(a.creators), toDecimalString(a.gross.amount), toDecimalString(a.agencyFees.amount), toDecimalString(a.taxToRemit.amount), toDecimalString(a.net.amount)]),
  );

export type SortKey = 'creatorId' | 'displayName' | 'agencyId' | 'incomeCategory' | 'gross' | 'agencyFee' | 'taxWithheld' | 'net';
export type SortDirection = 'ascending' | 'descending';

export interface LinesQuery {
  readonly search: string;
  readonly sort: SortKey;
  readonly direction: SortDirection;
  readonly page: number;
  readonly pageSize: number;
}

/** Locale-independent order (UTF-16 code units), as the API sorts. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const sortValue = (line: ReportLine, key: SortKey): string | number => {
  switch (key) {
    case 'gross':
    case 'agencyFee':
    case 'taxWithheld':
    case 'net':
      return line[key].amount;
    case 'agencyId':
      return line.agencyId ?? '';
    default:
      return line[key];
  }
};

/** Search (creator id, name or agency id, case-insensitive), sort (ties by creator id), one page. */
export const queryLines = (lines: readonly ReportLine[], query: LinesQuery): { rows: ReportLine[]; matches: number; pages: number; page: number } => {
  const needle = query.search.trim().toLowerCase();
  const matching = needle
    ? lines.filter((line) => [line.creatorId, line.displayName, line.agencyId ?? ''].some((field) => field.toLowerCase().includes(needle)))
    : [...lines];
  const sign = query.direction === 'ascending' ? 1 : -1;
  matching.sort((a, b) => {
    const x = sortValue(a, query.sort);
    const y = sortValue(b, query.sort);
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(String(x), String(y));
    return order !== 0 ? sign * order : compareText(a.creatorId, b.creatorId);
  });
  const pages = Math.max(1, Math.ceil(matching.length / query.pageSize));
  const page = Math.min(Math.max(0, query.page), pages - 1);
  return { rows: matching.slice(page * query.pageSize, (page + 1) * query.pageSize), matches: matching.length, pages, page };
};

/** The last `count` completed runs, oldest first: the chart's series. */
export const chartSeries = (runs: readonly RunView[], count = 12): { periods: string[]; gross: number[]; taxWithheld: number[]; net: number[] } => {
  const recent = runs
    .filter((run) => run.status === 'completed')
    .sort((a, b) => compareText(a.period, b.period))
    .slice(-count);
  return {
    periods: recent.map((run) => run.period),
    gross: recent.map((run) => run.totals.gross.amount),
    taxWithheld: recent.map((run) => run.totals.taxWithheld.amount),
    net: recent.map((run) => run.totals.net.amount),
  };
};
