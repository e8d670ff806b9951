/**
 * The payout-run report (API.md "Finance": `GET /v1/payout-runs/{id}/report?format=json|csv`).
 * Pure: a run and its lines in, the report out. Amounts stay integer fen until the CSV edge,
 * where they become decimal yuan strings (`1234.50`).
 *
 * Both formats list lines by creatorId (UTF-16 code-unit order, locale-independent), so the
 * same run always gives the same bytes whatever order the lines were read in.
 *
 * Free of zod and the AWS SDK: the finance console's browser bundle uses `agencyTotals` and
 * `csvDocument` too (its agency remittance summary), so there is one implementation of each.
 */
import { addMoney, money, toDecimalString, type Money } from '../shared/money-arithmetic.js';
import type { ContractType, IncomeCategory, PayoutLine, PayoutRunView, TaxResidency } from './payout-line.js';

export interface PayoutReportLine {
  readonly creatorId: string;
  readonly displayName: string;
  readonly agencyId: string | null;
  readonly contractType: ContractType;
  readonly taxResidency: TaxResidency;
  readonly incomeCategory: IncomeCategory;
  readonly gross: Money;
  readonly agencyFee: Money;
  readonly taxableIncome: Money;
  readonly taxWithheld: Money;
  readonly net: Money;
}

/**
 * What finance settles with one agency. The agency receives its creators' gross, keeps its
 * fee, remits the tax and pays net (DOMAIN.md "Payout runs and withholding"), so:
 * `transfer` (what we pay the agency) = sum of gross, and `taxToRemit` (what the agency owes
 * the tax bureau out of it) = sum of taxWithheld. They repeat `gross` and `taxWithheld` on
 * purpose: the payment instructions read from fields named for what they are.
 */
export interface AgencyTotals {
  readonly agencyId: string;
  /** From the lines; null if none of them carries a name. */
  readonly agencyName: string | null;
  /** Number of creator lines paid through this agency. */
  readonly creators: number;
  readonly gross: Money;
  readonly agencyFees: Money;
  readonly taxWithheld: Money;
  readonly net: Money;
  readonly transfer: Money;
  readonly taxToRemit: Money;
}

export interface PayoutReport {
  readonly run: PayoutRunView;
  /** Sorted by creatorId. */
  readonly lines: readonly PayoutReportLine[];
  /** Sorted by agencyId; creators paid personally (agencyId null) are in no agency. */
  readonly agencies: readonly AgencyTotals[];
}

const cny = (fen: number): Money => money(fen, 'CNY');

const byCode = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A copy sorted by creatorId (stable: equal ids keep their input order). */
const sortedLines = (lines: readonly PayoutLine[]): PayoutLine[] => [...lines].sort((a, b) => byCode(a.creatorId, b.creatorId));

export const reportLine = (line: PayoutLine): PayoutReportLine => ({
  creatorId: line.creatorId,
  displayName: line.displayName,
  agencyId: line.agencyId,
  contractType: line.contractType,
  taxResidency: line.taxResidency,
  incomeCategory: line.incomeCategory,
  gross: cny(line.grossFen),
  agencyFee: cny(line.agencyFeeFen),
  taxableIncome: cny(line.taxableIncomeFen),
  taxWithheld: cny(line.taxWithheldFen),
  net: cny(line.netFen),
});

interface AgencyAccumulator {
  agencyName: string | null;
  creators: number;
  gross: Money;
  agencyFees: Money;
  taxWithheld: Money;
  net: Money;
}

/** What agencyTotals reads of a report line; the agency's name where the reader has it. */
export type AgencyLine = Pick<PayoutReportLine, 'agencyId' | 'gross' | 'agencyFee' | 'taxWithheld' | 'net'> & { readonly agencyName?: string | null };

/**
 * Per-agency settlement totals of a run's lines, sorted by agencyId; creators paid personally
 * (agencyId null) are in no agency. The JSON report's `agencies` and the console's agency
 * remittance summary (over every page of a paged report).
 */
export const agencyTotals = (lines: readonly AgencyLine[]): AgencyTotals[] => {
  const byAgency = new Map<string, AgencyAccumulator>();
  for (const line of lines) {
    if (line.agencyId === null) continue;
    const current = byAgency.get(line.agencyId) ?? {
      agencyName: null,
      creators: 0,
      gross: cny(0),
      agencyFees: cny(0),
      taxWithheld: cny(0),
      net: cny(0),
    };
    // addMoney throws a RangeError rather than lose precision past Number.MAX_SAFE_INTEGER fen.
    byAgency.set(line.agencyId, {
      agencyName: current.agencyName ?? line.agencyName ?? null,
      creators: current.creators + 1,
      gross: addMoney(current.gross, line.gross),
      agencyFees: addMoney(current.agencyFees, line.agencyFee),
      taxWithheld: addMoney(current.taxWithheld, line.taxWithheld),
      net: addMoney(current.net, line.net),
    });
  }
  return [...byAgency.entries()]
    .sort(([a], [b]) => byCode(a, b))
    .map(
      ([agencyId, totals]): AgencyTotals => ({
        agencyId,
        agencyName: totals.agencyName,
        creators: totals.creators,
        gross: totals.gross,
        agencyFees: totals.agencyFees,
        taxWithheld: totals.taxWithheld,
        net: totals.net,
        transfer: totals.gross,
        taxToRemit: totals.taxWithheld,
      }),
    );
};

/** The JSON report: the run, its lines (Money, CNY) and per-agency settlement totals. */
export const reportJson = (run: PayoutRunView, lines: readonly PayoutLine[]): PayoutReport => {
  const sorted = sortedLines(lines);
  const reported = sorted.map(reportLine);
  return { run, lines: reported, agencies: agencyTotals(reported.map((line, i) => ({ ...line, agencyName: sorted[i]?.agencyName ?? null }))) };
};

/** The CSV header row, fixed by API.md. */
export const csvHeader =
  'creator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny';

/** Byte order mark: Excel only reads a CSV as UTF-8 (Chinese names intact) when it starts with one. */
const bom = '\uFEFF';
const crlf = '\r\n';

/**
 * Spreadsheet formula injection (CWE-1236, OWASP "CSV Injection"): a cell starting with
 * `=`, `+`, `-` or `@` is run as a formula when the file is opened in Excel or LibreOffice,
 * so a creator could name themselves `=HYPERLINK(...)` and act on the finance team's machine.
 * OWASP adds a leading tab or CR (0x09, 0x0D), which some spreadsheets skip before the `=`.
 * Display names are the only free text creators control; one starting with such a character
 * gets a leading `'`, which spreadsheets read as "text" and do not show. This alters the
 * field's bytes: a program reading the CSV sees `'=SUM(A1)` for the name `=SUM(A1)`. IDs
 * and enums are ours, and amounts are formatted by us (a negative amount is a number).
 */
const formulaStart = /^[=+\-@\t\r]/;
const defuseFormula = (text: string): string => (formulaStart.test(text) ? `'${text}` : text);

/** RFC 4180: quote a field only when it holds a comma, a double quote, CR or LF; double its quotes. */
const csvField = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

const csvRow = (line: PayoutLine): string =>
  [
    line.creatorId,
    defuseFormula(line.displayName),
    line.agencyId ?? '',
    line.contractType,
    line.taxResidency,
    line.incomeCategory,
    toDecimalString(line.grossFen),
    toDecimalString(line.agencyFeeFen),
    toDecimalString(line.taxableIncomeFen),
    toDecimalString(line.taxWithheldFen),
    toDecimalString(line.netFen),
  ]
    .map(csvField)
    .join(',');

/**
 * The CSV report: UTF-8 BOM, the header row, one row per line sorted by creatorId, every
 * record (header included) ending in CRLF (RFC 4180 allows the last line break; spreadsheets
 * and `csv` parsers expect it). Encode the string as UTF-8 to serve it.
 */
export const reportCsv = (lines: readonly PayoutLine[]): string => bom + csvHeader + crlf + reportCsvRows(lines);

/** The CSV rows alone (no BOM, no header): a later page of a paged CSV report. */
export const reportCsvRows = (lines: readonly PayoutLine[]): string => sortedLines(lines).map((line) => csvRow(line) + crlf).join('');
/**
 * A CSV document in the same format as the report (UTF-8 BOM, CRLF after every record,
 * RFC 4180 quoting) from a fixed header and rows of formatted cells. Free text a party
 * controls (names) goes through `defuseCsvFormula` first.
 */
export const csvDocument = (header: string, rows: Iterable<readonly string[]>): string => bom + header + crlf + csvRows(rows);

/** The records alone (no BOM, no header): a later page of a paged CSV document. */
export const csvRows = (rows: Iterable<readonly string[]>): string => {
  let out = '';
  for (const row of rows) out += row.map(csvField).join(',') + crlf;
  return out;
};
export { defuseFormula as defuseCsvFormula };
