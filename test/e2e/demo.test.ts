import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/paths.js';
import { runNpmScript, startWalkThrough, type LocalProcess } from '../support/local-process.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// The newcomer's test: a fresh `npm start` (its own DATA_DIR, stopped by its process group),
// its banner, then `npm run demo` exactly as the README says, which must finish with every
// step green, then each audience's guide run block by block as a reader would.

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let local: LocalProcess;

beforeAll(async () => {
  walk = await startWalkThrough('demo', dynamoEndpoint(), uniqueTableName('demo'));
  local = walk.local;
});

afterAll(async () => {
  await walk.finish();
});

/** What a reader's second terminal has: nothing of ours but the DATA_DIR that picks this runtime among others running. */
const readerEnv = (dataDir: string): Record<string, string> => ({ DATA_DIR: dataDir, API_URL: '', PORT: '', ADMIN_API_KEY: '', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '', STRIPE_API_BASE: '' });

describe('npm start', () => {
  it('prints a banner with the API, the docs page, the console and the local business clock', () => {
    const banner = local.output().slice(0, local.output().indexOf('Ctrl-C stops everything'));
    expect(banner).toContain(`Docs         ${local.url}/docs`);
    expect(banner).toContain(`Console      ${local.url}/console`);
    const clock = /Local clock +(\S+) +\(business time; (\S+)/.exec(banner);
    expect(clock?.[2]).toBe(`${local.url}/local/clock,`);
    expect(new Date(clock?.[1] ?? '').toISOString()).toBe(clock?.[1]);
    expect(banner).toContain('npm run demo');
  });
});

describe('npm run demo', () => {
  it('runs the whole journey against a fresh npm start with every step green', async () => {
    // The demo finds the runtime and its admin key itself; DATA_DIR only picks this runtime among others running.
    const demo = await runNpmScript('demo', [], readerEnv(walk.dataDir));
    const steps = demo.output.split('\n').filter((line) => /^\S+ +\d+\. /.test(line));
    expect({ code: demo.code, failed: steps.filter((line) => !line.startsWith('✔')) }).toEqual({ code: 0, failed: [] });
    const titles = steps.map((line) => line.replace(/^\S+ +\d+\. /, ''));
    expect(titles).toEqual(
      expect.arrayContaining([
        expect.stringContaining('enrols a merchant'),
        expect.stringContaining('order to US'),
        expect.stringContaining('order to HK'),
        expect.stringContaining('order to MO'),
        expect.stringContaining('pay'),
        expect.stringContaining('books a parcel'),
        expect.stringContaining('flight'),
        expect.stringContaining('tracks a parcel'),
        expect.stringContaining('delivered'),
        expect.stringContaining('commission accrued'),
        expect.stringContaining('clock moves'),
        expect.stringContaining('payouts'),
        expect.stringContaining('creator payout report'),
        expect.stringContaining('merchant statements'),
        expect.stringContaining('balance'),
      ]),
    );
    expect(steps).toHaveLength(18);
    expect(demo.output).toContain('All 18 steps green.');
    // Every step says where to look.
    expect(demo.output.split('\n').filter((line) => line.startsWith('      ') && line.includes(local.url)).length).toBeGreaterThanOrEqual(16);
  }, 90_000);
});

/**
 * The ```sh blocks of a guide, in order, as one bash script (one terminal: variables carry from
 * block to block). `sh setup` (install, npm start, the demo) and `sh another-terminal` blocks
 * are not run: this test has started the runtime and run the demo above.
 */
const guideScript = (guide: string): string =>
  [...readFileSync(join(projectRoot, guide), 'utf8').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '').join('\n');

const runGuide = (guide: string, dataDir: string): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-x', '-c', guideScript(guide)], { cwd: projectRoot, env: { ...process.env, ...readerEnv(dataDir) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });

describe('the guides run as written against this npm start', () => {
  it.each([
    // guide, something its last steps print when they worked
    ['docs/merchants.md', /^paid$/m],
    ['docs/logistics-partners.md', /"unknownTrackingNumbers": ?\["SFX1234567890"\]/],
    ['docs/operators.md', /"status": ?"revoked"/],
    // After the demo (it ran above): a month with a run to look at.
    ['docs/finance.md', /1790\.00/],
  ] as const)('%s', async (guide, worked) => {
    expect(guideScript(guide).split('\n').length).toBeGreaterThan(10);
    const run = await runGuide(guide, walk.dataDir);
    if (run.code !== 0) throw new Error(`${guide} stopped (exit ${String(run.code)}):\n${run.output.slice(-3000)}`);
    expect(run.output).toMatch(worked);
    // Every answer was one the guide expects: no 5xx anywhere.
    expect(run.output).not.toMatch(/"status": ?5\d\d/);
  }, 240_000);
});
