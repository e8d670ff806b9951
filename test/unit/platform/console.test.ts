import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { formatCny, preferredLocale, translate } from '../../../console/src/i18n.js';
import {
  agencyTotals,
  chartSeries,
  periodRows,
  queryLines,
  remittanceCsv,
  remittanceCsvHeader,
  taxByCategory,
  type ReportLine,
  type RunView,
} from '../../../console/src/model.js';
import { handler as consoleAssets } from '../../../functions/platform/console-assets.js';
import { handler as consolePage } from '../../../functions/platform/console.js';
import { consoleCsp } from '../../../functions/platform/console-page.js';
import { buildConsole, generatedPaths } from '../../../scripts/build-console.js';
import { apiEvent, lambdaContext } from '../../support/api-event.js';

const call = async (handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>, event: APIGatewayProxyEventV2) => {
  const response = await handler(event, lambdaContext('console-test'));
  return { ...response, headers: response.headers ?? {}, body: response.body ?? '' };
};
const asset = (name: string, headers: Record<string, string> = {}) => call(consoleAssets, apiEvent('GET /console/{asset}', { path: { asset: name }, headers }));

const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
const line = (creatorId: string, over: Partial<ReportLine> = {}): ReportLine => ({
  creatorId,
  displayName: `Creator ${creatorId}`,
  agencyId: null,
  contractType: 'personal',
  taxResidency: 'resident',
  incomeCategory: 'labor_remuneration',
  gross: cny(0),
  agencyFee: cny(0),
  taxableIncome: cny(0),
  taxWithheld: cny(0),
  net: cny(0),
  ...over,
});
const run = (period: string, status: RunView['status'] = 'completed', gross = 100): RunView => ({
  id: `run_${period}`,
  period,
  status,
  totals: { gross: cny(gross), agencyFees: cny(0), taxWithheld: cny(gross / 10), net: cny(gross - gross / 10) },
  lineCount: 1,
  createdAt: `${period}-28T00:00:00.000Z`,
});

describe('GET /console and its assets', () => {
  it('answers HTML under a CSP that allows only this origin, with no inline script or style', async () => {
    const response = await call(consolePage, apiEvent('GET /console'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(consoleCsp);
    const directives = new Map(consoleCsp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...sources]) => [name, sources]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    for (const sources of directives.values()) for (const source of sources) expect(["'self'", "'none'"]).toContain(source);
    const html = response.body;
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => /src="([^"]+)"/.exec(s[1] ?? '')?.[1])).toEqual(['/console/console.js']);
    expect(scripts.every((s) => (s[2] ?? '').trim() === '')).toBe(true);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<style|style="/);
    for (const [, url = ''] of html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)) expect((await asset(url.slice('/console/'.length))).statusCode).toBe(200);
  });

  it('serves the bundled script (with uPlot) and stylesheet, gzipped when accepted, revalidated by ETag; other names 404', async () => {
    const js = await asset('console.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('uplot'); // uPlot's class names: the chart library is inside the bundle
    expect(js.body).not.toMatch(/https?:\/\/(?!www\.w3\.org|github\.com)/); // no third-party URL to fetch from
    // A ceiling (0036: ~78 KB): the server modules the console shares (report.ts, money-arithmetic.ts)
    // are zod-free; pulling zod or a UI framework in would take the script past it.
    expect(js.body.length).toBeLessThan(120_000);
    const css = await asset('console.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.uplot');

    const zipped = await asset('console.js', { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(zipped.body, 'base64')).toString('utf8')).toBe(js.body);
    const again = await asset('console.js', { 'if-none-match': String(js.headers.etag) });
    expect(again.statusCode).toBe(304);
    const missing = await asset('../lib/manifest.ts');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'not_found' });
  });

  it('the committed script and stylesheet are what `npm run console:build` makes from console/src now', async () => {
    const { script, styles } = await buildConsole();
    expect(readFileSync(generatedPaths.script, 'utf8')).toBe(script);
    expect(readFileSync(generatedPaths.styles, 'utf8')).toBe(styles);
  });
});

describe('console model', () => {
  it('lists every period from twelve months back (or the oldest run) to the current one, newest first', () => {
    const rows = periodRows('2026-12', [run('2026-10'), run('2025-06'), run('2026-11', 'running')]);
    expect(rows[0]).toEqual({ period: '2026-12', state: { kind: 'open' } });
    expect(rows[1]?.state).toMatchObject({ kind: 'run', run: { status: 'running' } });
    expect(rows.at(-1)?.period).toBe('2025-06');
    expect(rows.length).toBe(19);
    // A month before the latest run without a run of its own was caught up by the next run.
    expect(rows.find((r) => r.period === '2026-09')?.state).toEqual({ kind: 'caught_up', by: '2026-10' });
    expect(rows.find((r) => r.period === '2025-05')).toBeUndefined();
    expect(periodRows('2026-03', [])).toEqual(expect.arrayContaining([{ period: '2026-02', state: { kind: 'runnable' } }]));
    expect(periodRows('2026-03', []).length).toBe(12);
  });

  it('sums tax by income category and the remittance per agency; the CSV is RFC 4180 with a BOM', () => {
    const lines = [
      line('cre_1', { agencyId: 'agy_b', incomeCategory: 'wages', gross: cny(3_000_000), agencyFee: cny(600_000), taxWithheld: cny(57_000), net: cny(2_343_000) }),
      line('cre_2', { agencyId: 'agy_b', incomeCategory: 'wages', gross: cny(800_000), agencyFee: cny(160_000), taxWithheld: cny(4_200), net: cny(635_800) }),
      line('cre_3', { agencyId: 'agy_"a,', incomeCategory: 'wages', gross: cny(1), net: cny(1) }),
      line('cre_4', { gross: cny(300_000), taxWithheld: cny(44_000), net: cny(256_000) }),
    ];
    expect(taxByCategory(lines)).toEqual([
      { incomeCategory: 'wages', lines: 3, gross: 3_800_001, taxWithheld: 61_200 },
      { incomeCategory: 'labor_remuneration', lines: 1, gross: 300_000, taxWithheld: 44_000 },
    ]);
    const rows = agencyTotals(lines);
    expect(rows.map((r) => r.agencyId)).toEqual(['agy_"a,', 'agy_b']);
    expect(rows[1]).toEqual({
      agencyId: 'agy_b',
      agencyName: null, // report lines carry no agency name
      creators: 2,
      gross: cny(3_800_000),
      agencyFees: cny(760_000),
      taxWithheld: cny(61_200),
      net: cny(2_978_800),
      transfer: cny(3_800_000),
      taxToRemit: cny(61_200),
    });
    expect(remittanceCsv(rows)).toBe(`\uFEFF${remittanceCsvHeader}\r\n"agy_""a,",1,0.01,0.00,0.00,0.01\r\nagy_b,2,38000.00,7600.00,612.00,29788.00\r\n`);
  });

  it('searches, sorts (ties by creator) and pages the lines; every line is on exactly one page', () => {
    const lines = Array.from({ length: 45 }, (_, i) => line(`cre_${String(i).padStart(2, '0')}`, { displayName: i % 2 ? '李小红' : 'Mia', gross: cny((i % 5) * 100) }));
    const first = queryLines(lines, { search: '', sort: 'gross', direction: 'descending', page: 0, pageSize: 20 });
    expect(first).toMatchObject({ matches: 45, pages: 3, page: 0 });
    expect(first.rows[0]).toMatchObject({ creatorId: 'cre_04', gross: cny(400) });
    const all = [0, 1, 2, 3].flatMap((page) => queryLines(lines, { search: '', sort: 'gross', direction: 'descending', page, pageSize: 20 }).rows);
    expect(all.length).toBe(20 + 20 + 5 + 5); // a page past the end shows the last one
    expect(new Set(all.slice(0, 45).map((l) => l.creatorId)).size).toBe(45);
    const found = queryLines(lines, { search: '小红', sort: 'creatorId', direction: 'ascending', page: 0, pageSize: 50 });
    expect(found.matches).toBe(22);
    expect(queryLines(lines, { search: 'CRE_4', sort: 'creatorId', direction: 'ascending', page: 0, pageSize: 50 }).rows.map((l) => l.creatorId)).toEqual(['cre_40', 'cre_41', 'cre_42', 'cre_43', 'cre_44']);
  });

  it('charts the last twelve completed runs, oldest first', () => {
    const runs = Array.from({ length: 14 }, (_, i) => run(`2025-${String(i + 1).padStart(2, '0')}`.replace('2025-13', '2026-01').replace('2025-14', '2026-02'), 'completed', (i + 1) * 100));
    const series = chartSeries([...runs, run('2026-03', 'running')].reverse());
    expect(series.periods).toEqual(runs.slice(2).map((r) => r.period));
    expect(series.gross[0]).toBe(300);
    expect(series.net.at(-1)).toBe(1400 - 140);
  });

  it('speaks the browser language and formats CNY for it', () => {
    expect(preferredLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(preferredLocale(['fr-FR', 'en-GB'])).toBe('en');
    expect(preferredLocale(['de'])).toBe('en');
    expect(formatCny('en', 123_450)).toBe('CN¥1,234.50');
    expect(formatCny('zh-CN', -5)).toBe('-¥0.05');
    expect(translate('zh-CN', 'runTitle', { period: '2026-11' })).toBe('结算运行 2026-11');
  });
});
