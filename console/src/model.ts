/**
 * The finance console's pure logic (no DOM): the periods list, the run's figures derived from
 * its report lines (tax by income category, agency remittance), and the lines table's search,
 * sort and paging. Amounts are integer fen, as the API sends them (Money, CNY).
 */
import { nextPeriod, periodPattern, previousPeriod } from '../../functions/payouts/periods.js';

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface RunTotals {
  readonly gross: Money;
  readonly agencyFees: Money;
  readonly taxWithheld: Money;
  readonly net: Money;
}

export interface RunView {
  readonly id: string;
  readonly period: string;
  readonly status: 'running' | 'completed';
  readonly totals: RunTotals;
  readonly lineCount: number;
}

export interface ReportLine {
  readonly creatorId: string;
  readonly displayName: string;
  readonly agencyId: string | null;
  readonly contractType: string;
  readonly taxResidency: string;
  readonly incomeCategory: 'wages' | 'labor_remuneration';
  readonly gross: Money;
  readonly agencyFee: Money;
  readonly taxableIncome: Money;
  readonly taxWithheld: Money;
  readonly net: Money;
}

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
 * What finance settles with each agency: it receives its creators' gross, keeps its fee,
 * remits the tax withheld and pays the creators' net (DOMAIN.md "Payout runs and
 * withholding"). Creators paid personally belong to no agency. Sorted by agency id.
 */
export interface AgencyRemittance {
  readonly agencyId: string;
  readonly creators: number;
  readonly gross: number;
  readonly agencyFee: number;
  readonly taxToRemit: number;
  readonly netToPay: number;
}

export const agencyRemittance = (lines: readonly ReportLine[]): AgencyRemittance[] => {
  const byAgency = new Map<string, AgencyRemittance>();
  for (const line of lines) {
    if (line.agencyId === null) continue;
    const before = byAgency.get(line.agencyId) ?? { agencyId: line.agencyId, creators: 0, gross: 0, agencyFee: 0, taxToRemit: 0, netToPay: 0 };
    byAgency.set(line.agencyId, {
      agencyId: line.agencyId,
      creators: before.creators + 1,
      gross: before.gross + line.gross.amount,
      agencyFee: before.agencyFee + line.agencyFee.amount,
      taxToRemit: before.taxToRemit + line.taxWithheld.amount,
      netToPay: before.netToPay + line.net.amount,
    });
  }
  return [...byAgency.values()].sort((a, b) => compareText(a.agencyId, b.agencyId));
};

/** Fen as a decimal yuan string (`1234.50`), as the API's CSV files write amounts. */
export const yuan = (fen: number): string => {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export const remittanceCsvHeader = 'agency_id,creators,gross_cny,agency_fee_cny,tax_to_remit_cny,net_to_pay_cny';

/** The remittance summary as a CSV file like the API's: UTF-8 BOM, RFC 4180, CRLF. */
export const remittanceCsv = (rows: readonly AgencyRemittance[]): string =>
  `\uFEFF${[remittanceCsvHeader, ...rows.map((r) => [csvField(r.agencyId), String(r.creators), yuan(r.gross), yuan(r.agencyFee), yuan(r.taxToRemit), yuan(r.netToPay)].join(','))].join('\r\n')}\r\n`;

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
