import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTaxPreview } from '../../../functions/payouts/tax-preview.js';
import { defaultWaitSeconds, formatYuan, main, parseFinanceArgs, processIo, progressText, usage } from '../../../scripts/finance.js';
import type { FetchLike, FinanceIo, RunTaxPreview } from '../../../scripts/finance.js';

// ---------------------------------------------------------------------------------------
// A fake process: scripted HTTP answers, recorded output, a clock that sleep() advances.

interface Recorded {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string | undefined;
}

type Answer = Response | Error;

interface FakeOptions {
  readonly answers?: readonly Answer[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly tty?: boolean;
  readonly stdin?: string;
  readonly taxPreview?: RunTaxPreview;
}

const apiEnv = { API_URL: 'http://api.test/', FINANCE_API_KEY: 'fin_key_123' };

const fake = (options: FakeOptions = {}) => {
  const answers = [...(options.answers ?? [])];
  const requests: Recorded[] = [];
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const sleeps: number[] = [];
  let clock = 1_000_000;
  const fetch: FetchLike = async (url, init) => {
    requests.push({
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    });
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected request ${init.method ?? 'GET'} ${url}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const io: FinanceIo = {
    readStdin: async () => options.stdin ?? '',
    stdout: { write: (chunk) => stdout.push(Buffer.from(chunk)) },
    stderr: { write: (chunk) => stderr.push(Buffer.from(chunk)), isTTY: options.tty ?? false },
    fetch,
    env: options.env ?? apiEnv,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    writeFile: async () => {
      throw new Error('writeFile not expected');
    },
    loadTaxPreview: async () => options.taxPreview ?? (() => ({ exitCode: 2, stdout: '', stderr: 'no stub\n' })),
  };
  return {
    io,
    requests,
    sleeps,
    stdout: () => Buffer.concat(stdout),
    stderr: () => Buffer.concat(stderr).toString('utf8'),
    unanswered: () => answers.length,
  };
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}) =>
  new Response(JSON.stringify({ type: `https://errors.example/${code}`, title: code, status, code, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
const runView = (status: 'running' | 'completed', lineCount: number, grossFen: number) => ({
  id: 'prun_01',
  period: '2026-10',
  status,
  totals: { gross: cny(grossFen), agencyFees: cny(0), taxWithheld: cny(0), net: cny(grossFen) },
  lineCount,
  createdAt: '2026-11-01T00:00:00.000Z',
  ...(status === 'completed' ? { completedAt: '2026-11-01T00:00:03.000Z' } : {}),
});

// ---------------------------------------------------------------------------------------

describe('parseFinanceArgs', () => {
  it.each([
    [['tax-preview'], { kind: 'tax-preview' }],
    [['payout-run', '--period', '2026-10'], { kind: 'payout-run', period: '2026-10', waitSeconds: defaultWaitSeconds }],
    [['payout-run', '--period=2026-01', '--wait-seconds=30'], { kind: 'payout-run', period: '2026-01', waitSeconds: 30 }],
    [['payout-report', '--run', 'prun_01', '--format', 'csv'], { kind: 'payout-report', runId: 'prun_01', format: 'csv', out: undefined }],
    [['payout-report', '--format=json', '--run=prun_01', '--out', 'r.json'], { kind: 'payout-report', runId: 'prun_01', format: 'json', out: 'r.json' }],
    [['merchant-statements', '--run', 'run_2026-10', '--format', 'csv'], { kind: 'merchant-statements', runId: 'run_2026-10', format: 'csv', out: undefined }],
    [['--help'], { kind: 'help' }],
    [['payout-run', '-h'], { kind: 'help' }],
    [['help'], { kind: 'help' }],
  ])('parses %j', (argv, command) => {
    expect(parseFinanceArgs(argv)).toEqual(command);
  });

  it.each([
    [[], 'no command given'],
    [['payouts'], 'unknown command "payouts"'],
    [['tax-preview', '--period', '2026-10'], 'tax-preview: unknown option --period (it takes no options)'],
    [['tax-preview', 'cases.json'], 'tax-preview: unexpected argument "cases.json"'],
    [['payout-run'], 'payout-run: --period YYYY-MM is missing'],
    [['payout-run', '--period'], 'payout-run: --period needs a value'],
    [['payout-run', '--period', '--wait-seconds', '5'], 'payout-run: --period needs a value'],
    [['payout-run', '--period', '2026-13'], 'payout-run: --period must be YYYY-MM, e.g. 2026-10 (got "2026-13")'],
    [['payout-run', '--period', '2026-1'], 'payout-run: --period must be YYYY-MM, e.g. 2026-10 (got "2026-1")'],
    [['payout-run', '--period', '2026-10', '--period', '2026-11'], 'payout-run: --period given twice'],
    [['payout-run', '--period', '2026-10', '--wait-seconds', '0'], 'payout-run: --wait-seconds must be a whole number from 1 to 86400 (got "0")'],
    [['payout-run', '--period', '2026-10', '--wait-seconds', '1.5'], 'payout-run: --wait-seconds must be a whole number from 1 to 86400 (got "1.5")'],
    [['payout-run', '--period', '2026-10', '--run', 'x'], 'payout-run: unknown option --run (options: --period, --wait-seconds)'],
    [['payout-report', '--format', 'csv'], 'payout-report: --run ID is missing'],
    [['payout-report', '--run', 'prun_01'], 'payout-report: --format csv|json is missing'],
    [['payout-report', '--run', 'prun_01', '--format', 'xlsx'], 'payout-report: --format must be csv or json (got "xlsx")'],
    [['merchant-statements', '--format', 'csv'], 'merchant-statements: --run ID is missing'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseFinanceArgs(argv)).toThrow(message);
  });
});

describe('formatting', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123_450, '1,234.50'],
    [1_234_567, '12,345.67'],
    [123_456_789_012, '1,234,567,890.12'],
    [-123_456, '-1,234.56'],
  ])('formatYuan(%d) is %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it('shows the period, the line count and the gross', () => {
    expect(progressText({ ...runView('running', 1234, 1_234_567), status: 'running' })).toBe('period 2026-10: 1,234 lines, gross 12,345.67 CNY … running');
    expect(progressText({ ...runView('completed', 1, 100), status: 'completed' })).toBe('period 2026-10: 1 line, gross 1.00 CNY, completed');
  });
});

describe('finance --help and unknown commands', () => {
  it('prints the usage on stdout', async () => {
    const f = fake();
    expect(await main(['--help'], f.io)).toBe(0);
    expect(f.stdout().toString()).toBe(`${usage}\n`);
    expect(f.requests).toEqual([]);
  });

  it('exits 2 with the message and the usage on stderr', async () => {
    const f = fake();
    expect(await main(['reconcile'], f.io)).toBe(2);
    expect(f.stderr()).toBe(`finance: unknown command "reconcile"\n\n${usage}\n`);
    expect(f.stdout().length).toBe(0);
    expect(await main([], fake().io)).toBe(2);
  });
});

describe('finance tax-preview', () => {
  it('passes stdin to runTaxPreview and relays its streams and exit code', async () => {
    const inputs: string[] = [];
    const stub: RunTaxPreview = (input) => {
      inputs.push(input);
      return { exitCode: 0, stdout: '{ "results": [] }\n', stderr: '' };
    };
    const f = fake({ stdin: '{ "cases": [] }', taxPreview: stub });

    expect(await main(['tax-preview'], f.io)).toBe(0);

    expect(inputs).toEqual(['{ "cases": [] }']);
    expect(f.stdout().toString()).toBe('{ "results": [] }\n');
    expect(f.stderr()).toBe('');
    expect(f.requests).toEqual([]);
  });

  it('exits 2 with the message on invalid input', async () => {
    const f = fake({ stdin: 'nope', taxPreview: () => ({ exitCode: 2, stdout: '', stderr: 'input is not valid JSON\n' }) });
    expect(await main(['tax-preview'], f.io)).toBe(2);
    expect(f.stderr()).toBe('input is not valid JSON\n');
    expect(f.stdout().length).toBe(0);
  });

  it('needs no API configuration', async () => {
    const f = fake({ env: {}, taxPreview: () => ({ exitCode: 0, stdout: 'ok\n', stderr: '' }) });
    expect(await main(['tax-preview'], f.io)).toBe(0);
    expect(f.stdout().toString()).toBe('ok\n');
  });

  it('loads the real runTaxPreview by default', async () => {
    expect(await processIo().loadTaxPreview()).toBe(runTaxPreview);
  });
});

describe('finance payout-run', () => {
  it('creates the run (201), polls every second until completed and prints the run', async () => {
    const completed = runView('completed', 1234, 1_234_567);
    const f = fake({
      answers: [json(201, runView('running', 0, 0)), json(200, runView('running', 1000, 1_000_000)), json(200, runView('running', 1000, 1_000_000)), json(200, completed)],
    });

    const code = await main(['payout-run', '--period', '2026-10'], f.io);

    expect(f.stderr()).toBe(
      [
        'period 2026-10: 0 lines, gross 0.00 CNY … running',
        'period 2026-10: 1,000 lines, gross 10,000.00 CNY … running', // shown once: unchanged lines are not repeated
        'period 2026-10: 1,234 lines, gross 12,345.67 CNY, completed',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(JSON.parse(f.stdout().toString())).toEqual(completed);
    expect(f.sleeps).toEqual([1000, 1000, 1000]);
    const [post, ...polls] = f.requests;
    expect(post?.method).toBe('POST');
    expect(post?.url).toBe('http://api.test/v1/payout-runs');
    expect(post?.headers.get('authorization')).toBe('Bearer fin_key_123');
    expect(post?.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(post?.body ?? '')).toEqual({ period: '2026-10' });
    expect(polls.map((request) => [request.method, request.url, request.headers.get('authorization')])).toEqual([
      ['GET', 'http://api.test/v1/payout-runs/prun_01', 'Bearer fin_key_123'],
      ['GET', 'http://api.test/v1/payout-runs/prun_01', 'Bearer fin_key_123'],
      ['GET', 'http://api.test/v1/payout-runs/prun_01', 'Bearer fin_key_123'],
    ]);
  });

  it('on a TTY updates one line in place and ends it before the JSON', async () => {
    const f = fake({ tty: true, answers: [json(201, runView('running', 0, 0)), json(200, runView('running', 5, 500)), json(200, runView('completed', 7, 700))] });

    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(0);

    const clear = '\r\x1b[2K';
    expect(f.stderr()).toBe(
      `${clear}period 2026-10: 0 lines, gross 0.00 CNY … running (0 s)` +
        `${clear}period 2026-10: 5 lines, gross 5.00 CNY … running (1 s)` +
        `${clear}period 2026-10: 7 lines, gross 7.00 CNY, completed\n`,
    );
    expect(JSON.parse(f.stdout().toString())).toMatchObject({ id: 'prun_01', status: 'completed', lineCount: 7 });
  });

  it('prints an existing completed run (200) without polling', async () => {
    const existing = runView('completed', 3, 300);
    const f = fake({ answers: [json(200, existing)] });

    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(0);

    expect(f.requests).toHaveLength(1);
    expect(f.sleeps).toEqual([]);
    expect(JSON.parse(f.stdout().toString())).toEqual(existing);
  });

  it('resumes polling an existing running run (200)', async () => {
    const f = fake({ answers: [json(200, runView('running', 1, 100)), json(200, runView('completed', 2, 200))] });
    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(0);
    expect(f.requests.map((request) => request.method)).toEqual(['POST', 'GET']);
    expect(JSON.parse(f.stdout().toString())).toMatchObject({ status: 'completed', lineCount: 2 });
  });

  it('exits 1 with code: detail on a problem', async () => {
    const f = fake({ answers: [problem(403, 'forbidden', 'This API key may not use this operation.')] });

    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(1);

    expect(f.stderr()).toBe('forbidden: This API key may not use this operation.\n');
    expect(f.stdout().length).toBe(0);
  });

  it('lists the field errors of validation_failed', async () => {
    const f = fake({
      answers: [
        problem(400, 'validation_failed', 'The request has invalid fields; see errors.', { errors: [{ path: 'period', message: 'period is in the future' }] }),
      ],
    });
    expect(await main(['payout-run', '--period', '2099-01'], f.io)).toBe(1);
    expect(f.stderr()).toBe('validation_failed: The request has invalid fields; see errors.\n  period: period is in the future\n');
  });

  it('exits 1 on a problem while polling, ending the TTY line first', async () => {
    const f = fake({ tty: true, answers: [json(201, runView('running', 0, 0)), problem(404, 'not_found', 'The resource does not exist or is not visible to you.')] });

    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(1);

    expect(f.stderr()).toBe(
      '\r\x1b[2Kperiod 2026-10: 0 lines, gross 0.00 CNY … running (0 s)\nnot_found: The resource does not exist or is not visible to you.\n',
    );
    expect(f.stdout().length).toBe(0);
  });

  it('exits 1 on an answer that is not a problem', async () => {
    const f = fake({ answers: [new Response('<html>Bad Gateway</html>', { status: 502 })] });
    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(1);
    expect(f.stderr()).toBe('HTTP 502: <html>Bad Gateway</html>\n');
  });

  it('exits 1 on a 2xx that is not a run', async () => {
    const f = fake({ answers: [json(201, { id: 'prun_01' })] });
    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(1);
    expect(f.stderr()).toMatch(/^the API answered HTTP 201 with something that is not a payout run/);
  });

  it('exits 1 when the API cannot be reached', async () => {
    const f = fake({ answers: [new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:3000') })] });
    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(1);
    expect(f.stderr()).toBe('cannot reach the API at http://api.test (POST /v1/payout-runs): connect ECONNREFUSED 127.0.0.1:3000\n');
  });

  it('gives up after --wait-seconds, saying how to resume', async () => {
    const running = () => json(200, runView('running', 10, 1000));
    const f = fake({ answers: [json(201, runView('running', 0, 0)), running(), running(), running()] });

    expect(await main(['payout-run', '--period', '2026-10', '--wait-seconds', '3'], f.io)).toBe(1);

    expect(f.sleeps).toEqual([1000, 1000, 1000]);
    expect(f.unanswered()).toBe(0);
    expect(f.stderr()).toMatch(
      /timed out after 3 s: run prun_01 for 2026-10 is still running \(10 lines so far\); run the same command again to keep waiting for it\n$/,
    );
    expect(f.stdout().length).toBe(0);
  });

  it.each([
    [{ FINANCE_API_KEY: 'k' }, 'finance: API_URL is not set (the API base URL, e.g. API_URL=http://127.0.0.1:3000)\n'],
    [{ API_URL: 'http://api.test' }, 'finance: FINANCE_API_KEY is not set (an API key with the finance role)\n'],
    [{ API_URL: 'http://api.test', FINANCE_API_KEY: '  ' }, 'finance: FINANCE_API_KEY is not set (an API key with the finance role)\n'],
    [{ API_URL: 'api.test', FINANCE_API_KEY: 'k' }, 'finance: API_URL is not a URL: api.test\n'],
    [{ API_URL: 'ftp://api.test', FINANCE_API_KEY: 'k' }, 'finance: API_URL must be http(s): ftp://api.test\n'],
  ])('exits 2 without calling the API for the environment %j', async (env, message) => {
    const f = fake({ env });
    expect(await main(['payout-run', '--period', '2026-10'], f.io)).toBe(2);
    expect(f.stderr()).toBe(message);
    expect(f.requests).toEqual([]);
  });

  it('exits 2 on a bad period without calling the API', async () => {
    const f = fake();
    expect(await main(['payout-run', '--period', '10/2026'], f.io)).toBe(2);
    expect(f.stderr()).toMatch(/^finance: payout-run: --period must be YYYY-MM/);
    expect(f.requests).toEqual([]);
  });
});

describe('finance payout-report', () => {
  // BOM, header, a Chinese name: what text() would mangle (it drops the BOM).
  const csvBytes = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('creator_id,display_name\r\ncre_01,张伟\r\ncre_02,"Smith, ""Jo"""\r\n', 'utf8'),
  ]);
  const csvAnswer = () => new Response(csvBytes, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });

  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'finance-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the CSV to --out byte for byte, BOM included', async () => {
    const f = fake({ answers: [csvAnswer()] });
    const out = join(dir, 'report 2026-10.csv');
    const io: FinanceIo = { ...f.io, writeFile: processIo().writeFile };

    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'csv', '--out', out], io)).toBe(0);

    expect((await readFile(out)).equals(csvBytes)).toBe(true);
    expect(f.stdout().length).toBe(0);
    expect(f.stderr()).toBe(`wrote ${csvBytes.length} bytes to ${out}\n`);
    expect(f.requests).toHaveLength(1);
    expect(f.requests[0]?.method).toBe('GET');
    expect(f.requests[0]?.url).toBe('http://api.test/v1/payout-runs/prun_01/report?format=csv');
    expect(f.requests[0]?.headers.get('authorization')).toBe('Bearer fin_key_123');
    expect(f.requests[0]?.headers.get('accept')).toMatch(/^text\/csv/);
  });

  it('writes the CSV to stdout byte for byte', async () => {
    const f = fake({ answers: [csvAnswer()] });
    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'csv'], f.io)).toBe(0);
    expect(f.stdout().equals(csvBytes)).toBe(true);
    expect(f.stderr()).toBe('');
  });

  it('follows a paged CSV report (x-next-cursor) and concatenates the pages on stdout', async () => {
    const first = new Response('\uFEFFcreator_id\r\nc1\r\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'x-next-cursor': 'cur 2' } });
    const second = new Response('c2\r\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    const f = fake({ answers: [first, second] });
    expect(await main(['payout-report', '--run', 'run_2027-01', '--format', 'csv'], f.io)).toBe(0);
    expect(f.stdout().toString('utf8')).toBe('\uFEFFcreator_id\r\nc1\r\nc2\r\n');
    expect(f.requests[1]?.url).toBe('http://api.test/v1/payout-runs/run_2027-01/report?format=csv&cursor=cur%202');
  });

  it('joins a paged JSON report into one document { run, lines }', async () => {
    const page = (lines: unknown[], nextCursor: string | null) => new Response(JSON.stringify({ run: { id: 'run_2027-01' }, lines, nextCursor }), { status: 200 });
    const f = fake({ answers: [page([{ creatorId: 'c1' }], 'n2'), page([{ creatorId: 'c2' }], 'n3'), page([], null)] });
    expect(await main(['payout-report', '--run', 'run_2027-01', '--format', 'json'], f.io)).toBe(0);
    expect(JSON.parse(f.stdout().toString('utf8'))).toEqual({ run: { id: 'run_2027-01' }, lines: [{ creatorId: 'c1' }, { creatorId: 'c2' }] });
  });

  it('writes the JSON report as served and escapes the run id in the path', async () => {
    const body = '{"run":{"id":"prun/01"},"lines":[],"agencies":[]}';
    const f = fake({ answers: [new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })] });

    expect(await main(['payout-report', '--run', 'prun/01', '--format', 'json'], f.io)).toBe(0);

    expect(f.stdout().toString('utf8')).toBe(body);
    expect(f.requests[0]?.url).toBe('http://api.test/v1/payout-runs/prun%2F01/report?format=json');
    expect(f.requests[0]?.headers.get('accept')).toMatch(/^application\/json/);
  });

  it('exits 1 on a problem and writes no file', async () => {
    const f = fake({ answers: [problem(409, 'invalid_state', 'The run is still running.')] });
    const out = join(dir, 'report.csv');
    const io: FinanceIo = { ...f.io, writeFile: processIo().writeFile };

    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'csv', '--out', out], io)).toBe(1);

    expect(f.stderr()).toBe('invalid_state: The run is still running.\n');
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('exits 1 when the file cannot be written', async () => {
    const f = fake({ answers: [csvAnswer()] });
    const out = join(dir, 'missing', 'report.csv');
    const io: FinanceIo = { ...f.io, writeFile: processIo().writeFile };

    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'csv', '--out', out], io)).toBe(1);

    expect(f.stderr()).toMatch(new RegExp(`^cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
  });

  it('exits 2 on usage errors without calling the API', async () => {
    const f = fake();
    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'pdf'], f.io)).toBe(2);
    expect(await main(['payout-report', '--run', 'prun_01', '--format', 'csv'], { ...f.io, env: {} })).toBe(2);
    expect(f.requests).toEqual([]);
  });
});

describe('finance merchant-statements', () => {
  const page = (lines: unknown[], nextCursor: string | null) =>
    new Response(JSON.stringify({ runId: 'run_2027-01', period: '2027-01', lines, totals: { net: cny(300) }, nextCursor }), { status: 200 });

  it('writes a run that fits in one page as served', async () => {
    const body = '{"runId":"run_2027-01","period":"2027-01","lines":[{"merchantId":"mer_1"}],"totals":{},"nextCursor":null}';
    const f = fake({ answers: [new Response(body, { status: 200 })] });
    expect(await main(['merchant-statements', '--run', 'run_2027-01', '--format', 'json'], f.io)).toBe(0);
    expect(f.stdout().toString('utf8')).toBe(body);
    expect(f.requests.map((r) => r.url)).toEqual(['http://api.test/v1/payout-runs/run_2027-01/merchant-statements?format=json']);
  });

  it('joins paged JSON into one document with the run, its totals and every line, even after an empty page', async () => {
    const f = fake({ answers: [page([], 'n2'), page([{ merchantId: 'mer_1' }], 'n 3'), page([{ merchantId: 'mer_2' }, { merchantId: 'mer_3' }], null)] });
    expect(await main(['merchant-statements', '--run', 'run_2027-01', '--format', 'json'], f.io)).toBe(0);
    expect(JSON.parse(f.stdout().toString('utf8'))).toEqual({
      runId: 'run_2027-01',
      period: '2027-01',
      totals: { net: cny(300) },
      lines: [{ merchantId: 'mer_1' }, { merchantId: 'mer_2' }, { merchantId: 'mer_3' }],
    });
    expect(f.requests[2]?.url).toBe('http://api.test/v1/payout-runs/run_2027-01/merchant-statements?format=json&cursor=n%203');
  });

  it('concatenates paged CSV', async () => {
    const first = new Response('\uFEFFmerchant_id\r\nmer_1\r\n', { status: 200, headers: { 'x-next-cursor': 'c2' } });
    const f = fake({ answers: [first, new Response('mer_2\r\n', { status: 200 })] });
    expect(await main(['merchant-statements', '--run', 'run_2027-01', '--format', 'csv'], f.io)).toBe(0);
    expect(f.stdout().toString('utf8')).toBe('\uFEFFmerchant_id\r\nmer_1\r\nmer_2\r\n');
  });

  it('exits 1 on an answer that is not merchant statements', async () => {
    const f = fake({ answers: [new Response(JSON.stringify({ run: {}, lines: [], nextCursor: null }), { status: 200 })] });
    expect(await main(['merchant-statements', '--run', 'run_2027-01', '--format', 'json'], f.io)).toBe(1);
    expect(f.stderr()).toMatch(/^the API answered with something that is not merchant statements/);
  });
});
