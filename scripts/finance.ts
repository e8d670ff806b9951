/**
 * `npm run --silent finance -- <command>`: the finance CLI (API.md "Finance CLI").
 *
 *   tax-preview                      JSON cases on stdin -> withholding on stdout (offline)
 *   payout-run --period YYYY-MM      create (or find) the period's run, wait for it, print it
 *   payout-report --run ID --format csv|json [--out FILE]
 *                                    the run's report, byte for byte (the CSV keeps its BOM)
 *   merchant-statements --run ID --format csv|json [--out FILE]
 *                                    the run's merchant statements, the same way
 *
 * The API commands talk to API_URL with FINANCE_API_KEY (role `finance`).
 * Exit status: 0 done; 1 the API said no (problem details printed as `code: detail`), could
 * not be reached, or the run did not complete in time; 2 usage errors (tax-preview: invalid
 * input). Everything is injected through `FinanceIo`, so `main` runs in tests without a
 * process, a network or a clock.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { text } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import type { TaxPreviewOutcome } from '../functions/payouts/tax-preview.js';
import { moneySchema, toDecimalString } from '../functions/shared/money.js';

export const usage = `usage: npm run --silent finance -- <command> [options]

commands:
  tax-preview
      Reads tax-preview cases (JSON, DOMAIN.md "Tax preview format") on stdin and writes
      the withholding on stdout. Offline. Exit 2 on invalid input.
  payout-run --period YYYY-MM [--wait-seconds N]
      Starts the payout run for the period (or finds the existing one: one run per
      period), waits until it is completed, showing progress on stderr, then prints the
      run as JSON on stdout. --wait-seconds: give up after N seconds (default 900); run the
      command again to keep waiting for the same run.
  payout-report --run ID --format csv|json [--out FILE]
      Writes the run's report to FILE, or to stdout, exactly as served (the CSV is UTF-8
      with a BOM, CRLF line endings). A report of more than 5,000 lines (or 5 MB) is served in
      pages: they are followed and written as one file.
  merchant-statements --run ID --format csv|json [--out FILE]
      The run's merchant statements (one line per merchant), the same way.

environment (payout-run, payout-report, merchant-statements):
  API_URL           the API's base URL, e.g. http://127.0.0.1:3000
  FINANCE_API_KEY   an API key with the finance role

exit status: 0 ok; 1 API error, API unreachable or timed out; 2 usage error or invalid input`;

/** Wrong or missing arguments or configuration (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The API refused, failed or could not be reached; the message is what the user sees (exit status 1). */
export class FinanceApiError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FinanceApiError';
  }
}

export type ReportFormat = 'csv' | 'json';

export type FinanceCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'tax-preview' }
  | { readonly kind: 'payout-run'; readonly period: string; readonly waitSeconds: number }
  | { readonly kind: ReportCommand; readonly runId: string; readonly format: ReportFormat; readonly out: string | undefined };

/** The commands that download a run's paged report (0024, 0053). */
export type ReportCommand = 'payout-report' | 'merchant-statements';

export const defaultWaitSeconds = 900;
const maxWaitSeconds = 86_400;
export const pollIntervalMs = 1_000;

const commandFlags = {
  'tax-preview': [],
  'payout-run': ['--period', '--wait-seconds'],
  'payout-report': ['--run', '--format', '--out'],
  'merchant-statements': ['--run', '--format', '--out'],
} as const satisfies Record<string, readonly string[]>;
type CommandName = keyof typeof commandFlags;
const isCommandName = (name: string): name is CommandName => Object.hasOwn(commandFlags, name);

const periodPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `--flag value` or `--flag=value`, each flag at most once, only the command's own flags. */
const parseFlags = (command: CommandName, args: readonly string[]): Map<string, string> => {
  const allowed: readonly string[] = commandFlags[command];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!name.startsWith('--')) throw new UsageError(`${command}: unexpected argument ${JSON.stringify(arg)}`);
    if (!allowed.includes(name)) {
      throw new UsageError(`${command}: unknown option ${name}${allowed.length > 0 ? ` (options: ${allowed.join(', ')})` : ' (it takes no options)'}`);
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = args[i + 1];
      i += 1;
      if (value?.startsWith('--')) value = undefined;
    }
    if (value === undefined || value === '') throw new UsageError(`${command}: ${name} needs a value`);
    if (values.has(name)) throw new UsageError(`${command}: ${name} given twice`);
    values.set(name, value);
  }
  return values;
};

/** Parses the command line; throws UsageError on misuse. `--help`/`-h` anywhere wins. */
export const parseFinanceArgs = (argv: readonly string[]): FinanceCommand => {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { kind: 'help' };
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('no command given');
  if (!isCommandName(name)) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const flags = parseFlags(name, rest);
  switch (name) {
    case 'tax-preview':
      return { kind: 'tax-preview' };
    case 'payout-run': {
      const period = flags.get('--period');
      if (period === undefined) throw new UsageError('payout-run: --period YYYY-MM is missing');
      if (!periodPattern.test(period)) throw new UsageError(`payout-run: --period must be YYYY-MM, e.g. 2026-10 (got ${JSON.stringify(period)})`);
      const waitText = flags.get('--wait-seconds') ?? String(defaultWaitSeconds);
      const waitSeconds = Number(waitText);
      if (!/^\d+$/.test(waitText) || waitSeconds < 1 || waitSeconds > maxWaitSeconds) {
        throw new UsageError(`payout-run: --wait-seconds must be a whole number from 1 to ${maxWaitSeconds} (got ${JSON.stringify(waitText)})`);
      }
      return { kind: 'payout-run', period, waitSeconds };
    }
    case 'payout-report':
    case 'merchant-statements': {
      const runId = flags.get('--run');
      if (runId === undefined) throw new UsageError(`${name}: --run ID is missing`);
      const format = flags.get('--format');
      if (format === undefined) throw new UsageError(`${name}: --format csv|json is missing`);
      if (format !== 'csv' && format !== 'json') throw new UsageError(`${name}: --format must be csv or json (got ${JSON.stringify(format)})`);
      return { kind: name, runId, format, out: flags.get('--out') };
    }
  }
};

export interface ApiConfig {
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** API_URL and FINANCE_API_KEY from the environment; throws UsageError when missing or wrong. */
export const apiConfig = (env: Readonly<Record<string, string | undefined>>): ApiConfig => {
  const base = env.API_URL?.trim();
  if (!base) throw new UsageError('API_URL is not set (the API base URL, e.g. API_URL=http://127.0.0.1:3000)');
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`API_URL is not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`API_URL must be http(s): ${base}`);
  const apiKey = env.FINANCE_API_KEY?.trim();
  if (!apiKey) throw new UsageError('FINANCE_API_KEY is not set (an API key with the finance role)');
  return { baseUrl: url.href.replace(/\/+$/, ''), apiKey };
};

/** functions/payouts/tax-preview.ts's `runTaxPreview`; pure, so tests pass a stub. */
export type RunTaxPreview = (inputText: string) => TaxPreviewOutcome;

export interface OutputStream {
  write(chunk: string | Uint8Array): unknown;
  readonly isTTY?: boolean;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FinanceIo {
  /** The whole of stdin, decoded as UTF-8. */
  readonly readStdin: () => Promise<string>;
  readonly stdout: OutputStream;
  /** Progress goes here; a TTY (isTTY true) gets one line updated in place. */
  readonly stderr: OutputStream;
  readonly fetch: FetchLike;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds, for the --wait-seconds deadline and the elapsed time shown. */
  readonly now: () => number;
  readonly writeFile: (path: string, data: Uint8Array) => Promise<void>;
  /** Adds to a file (a paged report is written page by page: memory stays flat). */
  readonly appendFile?: (path: string, data: Uint8Array) => Promise<void>;
  readonly loadTaxPreview: () => Promise<RunTaxPreview>;
}

/** Loaded on demand: the API commands do not need the tax tables. */
const loadTaxPreview = async (): Promise<RunTaxPreview> => (await import('../functions/payouts/tax-preview.js')).runTaxPreview;

/** The real process: stdin/stdout/stderr, global fetch, timers, the file system. */
export const processIo = (): FinanceIo => ({
  readStdin: async () => {
    if (process.stdin.isTTY) process.stderr.write('finance: reading JSON from stdin (end with Ctrl-D)\n');
    return text(process.stdin);
  },
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: (url, init) => fetch(url, init),
  env: process.env,
  sleep: (ms) => new Promise<void>((done) => setTimeout(done, ms)),
  now: () => Date.now(),
  writeFile: (path, data) => writeFile(path, data),
  appendFile: (path, data) => appendFile(path, data),
  loadTaxPreview,
});

// ---------------------------------------------------------------------------------------
// HTTP

const problemSchema = z.object({
  code: z.string().min(1),
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** `code: detail` (plus one line per field error) from a problem+json body; `HTTP 502: ...` otherwise. */
export const describeProblem = (status: number, body: string): string => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const problem = problemSchema.safeParse(json);
  if (!problem.success) {
    const snippet = body.trim().replace(/\s+/g, ' ').slice(0, 200);
    return `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  }
  const { code, title, detail, errors = [] } = problem.data;
  return [`${code}: ${detail ?? title ?? `HTTP ${status}`}`, ...errors.map((error) => `  ${error.path}: ${error.message}`)].join('\n');
};

/** An error's message; duck-typed, since errors from another realm (node:fs under a test VM) fail instanceof. */
const messageOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : String(error);

interface ApiAnswer {
  readonly status: number;
  readonly bytes: Uint8Array;
  /** A paged CSV report's next page (`x-next-cursor`), if any. */
  readonly nextCursor?: string | null;
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const request = async (
  io: FinanceIo,
  config: ApiConfig,
  method: 'GET' | 'POST',
  path: string,
  options: { readonly accept?: string; readonly body?: unknown } = {},
): Promise<ApiAnswer> => {
  const url = `${config.baseUrl}${path}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${config.apiKey}`,
    accept: options.accept ?? 'application/json, application/problem+json',
  };
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    init.body = JSON.stringify(options.body);
  }
  try {
    const response = await io.fetch(url, init);
    // Bytes, not response.text(): text() would drop the CSV's byte order mark.
    return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), nextCursor: response.headers?.get('x-next-cursor') ?? null };
  } catch (error) {
    // fetch's own message is only "fetch failed"; the cause says what happened (ECONNREFUSED...).
    const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
    const reason = cause === undefined ? messageOf(error) : messageOf(cause);
    throw new FinanceApiError(`cannot reach the API at ${config.baseUrl} (${method} ${path}): ${reason}`, { cause: error });
  }
};

const failure = (answer: ApiAnswer): FinanceApiError => new FinanceApiError(describeProblem(answer.status, utf8.decode(answer.bytes)));

// ---------------------------------------------------------------------------------------
// payout-run

const runSchema = z.object({
  id: z.string().min(1),
  period: z.string(),
  status: z.enum(['running', 'completed']),
  lineCount: z.number().int().nonnegative(),
  totals: z.object({
    gross: moneySchema('CNY'),
    agencyFees: moneySchema('CNY'),
    taxWithheld: moneySchema('CNY'),
    net: moneySchema('CNY'),
  }),
});
type RunSummary = z.infer<typeof runSchema>;

interface RunAnswer {
  /** The fields the CLI relies on, validated. */
  readonly run: RunSummary;
  /** The run as the API sent it (extra fields such as createdAt included), printed at the end. */
  readonly json: unknown;
}

const parseRun = (answer: ApiAnswer): RunAnswer => {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(answer.bytes));
  } catch {
    throw new FinanceApiError(`the API answered HTTP ${answer.status} with a body that is not JSON`);
  }
  const parsed = runSchema.safeParse(json);
  if (!parsed.success) {
    throw new FinanceApiError(`the API answered HTTP ${answer.status} with something that is not a payout run: ${z.prettifyError(parsed.error)}`);
  }
  return { run: parsed.data, json };
};

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 1234567 fen -> "12,345.67"; exact (no floating point). */
export const formatYuan = (fen: number): string => {
  const [whole = '0', fraction = '00'] = toDecimalString(fen).split('.');
  return `${whole.startsWith('-') ? `-${groupThousands(whole.slice(1))}` : groupThousands(whole)}.${fraction}`;
};

/** `period 2026-10: 1,234 lines, gross 12,345.67 CNY … running` */
export const progressText = (run: RunSummary): string =>
  `period ${run.period}: ${groupThousands(String(run.lineCount))} ${run.lineCount === 1 ? 'line' : 'lines'}, ` +
  `gross ${formatYuan(run.totals.gross.amount)} CNY${run.status === 'completed' ? ', completed' : ' … running'}`;

/** On a TTY one line rewritten in place (with the elapsed time); otherwise a plain line per change. */
const progressReporter = (stderr: OutputStream) => {
  const tty = stderr.isTTY === true;
  let last = '';
  let open = false;
  return {
    show(run: RunSummary, elapsedMs: number): void {
      const line = progressText(run);
      if (tty) {
        const elapsed = run.status === 'running' ? ` (${Math.floor(elapsedMs / 1000)} s)` : '';
        stderr.write(`\r\x1b[2K${line}${elapsed}`);
        open = true;
      } else if (line !== last) {
        stderr.write(`${line}\n`);
      }
      last = line;
    },
    /** Ends the TTY line so whatever is written next starts on a line of its own. */
    end(): void {
      if (open) stderr.write('\n');
      open = false;
    },
  };
};

const payoutRun = async (io: FinanceIo, config: ApiConfig, period: string, waitSeconds: number): Promise<void> => {
  const progress = progressReporter(io.stderr);
  try {
    const created = await request(io, config, 'POST', '/v1/payout-runs', { body: { period } });
    // 201: a new run; 200: the period's existing run (one run per period).
    if (created.status !== 201 && created.status !== 200) throw failure(created);
    let current = parseRun(created);
    const started = io.now();
    progress.show(current.run, 0);
    const runPath = `/v1/payout-runs/${encodeURIComponent(current.run.id)}`;
    while (current.run.status !== 'completed') {
      if (io.now() - started >= waitSeconds * 1000) {
        throw new FinanceApiError(
          `timed out after ${waitSeconds} s: run ${current.run.id} for ${period} is still running ` +
            `(${current.run.lineCount} lines so far); run the same command again to keep waiting for it`,
        );
      }
      await io.sleep(pollIntervalMs);
      const polled = await request(io, config, 'GET', runPath);
      if (polled.status !== 200) throw failure(polled);
      current = parseRun(polled);
      progress.show(current.run, io.now() - started);
    }
    progress.end();
    io.stdout.write(`${JSON.stringify(current.json, null, 2)}\n`);
  } finally {
    progress.end();
  }
};

// ---------------------------------------------------------------------------------------
// payout-report, merchant-statements

const reportAccept: Record<ReportFormat, string> = {
  csv: 'text/csv, application/problem+json',
  json: 'application/json, application/problem+json',
};

const linesPage = { lines: z.array(z.unknown()), nextCursor: z.string().nullable().optional() };

/** Each report: where it is served and what a JSON page of it holds besides its lines. */
const reports: Record<ReportCommand, { readonly path: string; readonly what: string; readonly page: z.ZodType<{ lines: unknown[]; nextCursor?: string | null | undefined }> }> = {
  'payout-report': { path: 'report', what: 'a payout report', page: z.object({ run: z.unknown(), ...linesPage }).loose() },
  'merchant-statements': { path: 'merchant-statements', what: 'merchant statements', page: z.object({ runId: z.string(), period: z.string(), totals: z.unknown(), ...linesPage }).loose() },
};

/**
 * Downloads a report, following its pages (0024, 0053): a run that fits comes in one answer,
 * written as it came; a larger one is written page by page (CSV pages concatenate; JSON
 * pages are joined into one document: the first page's fields, then every page's `lines`),
 * so memory stays flat. Without `--out` it goes to stdout.
 */
const downloadReport = async (io: FinanceIo, config: ApiConfig, kind: ReportCommand, runId: string, format: ReportFormat, out: string | undefined): Promise<void> => {
  const report = reports[kind];
  let written = 0;
  const write = async (bytes: Uint8Array) => {
    if (out === undefined) io.stdout.write(bytes);
    else {
      try {
        if (written === 0) await io.writeFile(out, bytes);
        else if (io.appendFile) await io.appendFile(out, bytes);
        else throw new Error('appending is not supported here');
      } catch (error) {
        throw new FinanceApiError(`cannot write ${out}: ${messageOf(error)}`, { cause: error });
      }
    }
    written += bytes.byteLength;
  };
  const encoder = new TextEncoder();
  let cursor: string | null = null;
  let page = 0;
  let anyLine = false;
  do {
    const query = `format=${format}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer = await request(io, config, 'GET', `/v1/payout-runs/${encodeURIComponent(runId)}/${report.path}?${query}`, { accept: reportAccept[format] });
    if (answer.status !== 200) throw failure(answer);
    if (format === 'csv') {
      await write(answer.bytes);
      cursor = answer.nextCursor ?? null;
    } else {
      const parsed = report.page.safeParse(JSON.parse(utf8.decode(answer.bytes)));
      if (!parsed.success) throw new FinanceApiError(`the API answered with something that is not ${report.what}: ${z.prettifyError(parsed.error)}`);
      const { lines: pageLines, nextCursor, ...fields } = parsed.data;
      const next = nextCursor ?? null;
      if (page === 0 && next === null) await write(answer.bytes);
      else {
        const lines = pageLines.map((line) => JSON.stringify(line)).join(',');
        const head = page === 0 ? `${JSON.stringify(fields).slice(0, -1)}${Object.keys(fields).length > 0 ? ',' : ''}"lines":[` : '';
        const separator = lines && anyLine ? ',' : '';
        anyLine ||= lines !== '';
        await write(encoder.encode(`${head}${separator}${lines}${next === null ? ']}' : ''}`));
      }
      cursor = next;
    }
    page += 1;
    if (io.stderr.isTTY === true) io.stderr.write(`\r\x1b[2Kpage ${page}, ${written} bytes`);
  } while (cursor);
  if (io.stderr.isTTY === true) io.stderr.write('\n');
  if (out !== undefined) io.stderr.write(`wrote ${written} bytes to ${out}\n`);
};

// ---------------------------------------------------------------------------------------

/** Runs one command; resolves to the exit status. Only programming errors reject. */
export const main = async (argv: readonly string[], io: FinanceIo): Promise<number> => {
  let command: FinanceCommand;
  try {
    command = parseFinanceArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`finance: ${error.message}\n\n${usage}\n`);
    return 2;
  }

  switch (command.kind) {
    case 'help':
      io.stdout.write(`${usage}\n`);
      return 0;
    case 'tax-preview': {
      const input = await io.readStdin();
      const runTaxPreview = await io.loadTaxPreview();
      const result = runTaxPreview(input);
      if (result.stdout) io.stdout.write(result.stdout);
      if (result.stderr) io.stderr.write(result.stderr);
      return result.exitCode;
    }
    case 'payout-run':
    case 'payout-report':
    case 'merchant-statements': {
      let config: ApiConfig;
      try {
        config = apiConfig(io.env);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        io.stderr.write(`finance: ${error.message}\n`);
        return 2;
      }
      try {
        if (command.kind === 'payout-run') await payoutRun(io, config, command.period, command.waitSeconds);
        else await downloadReport(io, config, command.kind, command.runId, command.format, command.out);
        return 0;
      } catch (error) {
        if (!(error instanceof FinanceApiError)) throw error;
        io.stderr.write(`${error.message}\n`);
        return 1;
      }
    }
  }
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`finance: failed: ${messageOf(error)}`);
      process.exitCode = 1;
    },
  );
}
