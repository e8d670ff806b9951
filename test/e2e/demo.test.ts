import { runNpmScript, startWalkThrough, type LocalProcess } from '../support/local-process.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// The newcomer's test: a fresh `npm start` (its own DATA_DIR, stopped by its process group),
// then `npm run demo` exactly as the README says, which must finish with every step green.

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let local: LocalProcess;

beforeAll(async () => {
  walk = await startWalkThrough('demo', dynamoEndpoint(), uniqueTableName('demo'));
  local = walk.local;
});

afterAll(async () => {
  await walk.finish();
});

describe('npm run demo', () => {
  it('runs the whole journey against a fresh npm start with every step green', async () => {
    // The demo finds the runtime and its admin key itself; DATA_DIR only picks this runtime among others running.
    const demo = await runNpmScript('demo', [], { DATA_DIR: walk.dataDir, API_URL: '', PORT: '', ADMIN_API_KEY: '', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '', STRIPE_API_BASE: '' });
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
