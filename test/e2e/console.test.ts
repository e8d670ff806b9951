import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { projectRoot } from '../../lib/paths.js';
import { eventually, request } from '../support/http.js';
import { startWalkThrough, stripePay } from '../support/local-process.js';
import { buyer, enrolMerchant } from '../support/merchants.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// The finance console in Debian's Chromium, driven by playwright-core, against a fresh
// `npm start` with data seeded through the API (orders paid with `npm run stripe:pay`,
// delivered by the partner webhook): sign in, preview, start a run and watch it complete,
// check the totals and a line's drill-down against the API, download the files and compare
// their bytes with the API's. Each view is screenshotted; with CONSOLE_SCREENSHOTS=1 into
// docs/screenshots/ (the README links them), otherwise into a temporary directory, so a test
// run leaves the working tree as it was.

const chromiumPath = '/usr/bin/chromium';
const screenshots = process.env.CONSOLE_SCREENSHOTS === '1' ? join(projectRoot, 'docs/screenshots') : join(tmpdir(), 'xborder-console-screenshots');

let walk: Awaited<ReturnType<typeof startWalkThrough>>;
let context: BrowserContext;
let page: Page;
let profile: string;
let financeKey: string;
let base: string;
const creators: Record<string, string> = {};
let agencyId: string;
let merchantId: string;

/** Delivered now + 7 days' return window: payable in this Asia/Shanghai month; the run needs the month over. */
const period = new Date(Date.now() + 7 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 7);
const [year = 0, month = 0] = period.split('-').map(Number);
const afterPeriod = `${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-02T04:00:00.000Z`;

const admin = (method: string, path: string, body?: unknown) => request(base, method, path, { key: walk.local.adminKey, ...(body === undefined ? {} : { body }) });
const finance = async (path: string) => {
  const reply = await request(base, 'GET', path, { key: financeKey });
  expect(reply.status).toBe(200);
  return reply.body;
};

/** An order of `quantity` gift sets attributed to the creator: placed, paid (`npm run stripe:pay`), shipped, delivered (signed partner webhook). */
const deliveredOrder = async (merchantKey: string, partnerSecret: string, creatorId: string, quantity: number, tag: string): Promise<void> => {
  const placed = await request(base, 'POST', '/v1/orders', {
    key: merchantKey,
    headers: { 'idempotency-key': `console-${tag}` },
    body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'GIFT-SET', quantity }], attribution: { creatorId } },
  });
  expect(placed.status).toBe(201);
  const orderId = String(placed.body.id);
  expect((await stripePay(orderId, walk)).code).toBe(0);
  await eventually(async () => ((await request(base, 'GET', `/v1/orders/${orderId}`, { key: merchantKey })).body.status === 'paid' ? true : undefined), 100);
  const trackingNumber = `SF${tag.toUpperCase()}`;
  expect((await request(base, 'POST', `/v1/orders/${orderId}/shipments`, { key: merchantKey, body: { partnerCode: 'SFEXPRESS', trackingNumber } })).status).toBe(201);
  const body = JSON.stringify({ events: [{ eventId: `${trackingNumber}-d`, trackingNumber, status: 'delivered', occurredAt: new Date().toISOString() }] });
  const id = `msg_${tag}`;
  const now = new Date();
  const delivered = await fetch(`${base}/v1/webhooks/logistics/SFEXPRESS`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(partnerSecret).sign(id, now, body) },
    body,
  });
  expect(delivered.status).toBe(202);
};

beforeAll(async () => {
  walk = await startWalkThrough('console', dynamoEndpoint(), uniqueTableName('console'));
  base = walk.local.url;
  const partner = await admin('POST', '/v1/admin/logistics-partners', { code: 'SFEXPRESS', name: 'SF Express' });
  const merchant = await enrolMerchant(base, walk.local.adminKey, ['US']);
  merchantId = merchant.merchantId;
  expect(
    (
      await request(base, 'PUT', '/v1/products/GIFT-SET', {
        key: merchant.apiKey,
        body: { title: { en: 'Tea gift set' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', price: { amount: 1_000_000, currency: 'CNY' }, weightGrams: 250 },
      })
    ).status,
  ).toBe(201);
  financeKey = String((await admin('POST', '/v1/admin/api-keys', { role: 'finance' })).body.apiKey);
  agencyId = String(((await admin('POST', '/v1/admin/agencies', { name: '星光传媒 MCN', country: 'CN', feeBps: 2000 })).body.agency as { id: string }).id);
  const creator = async (displayName: string, taxResidency: string, contract: Record<string, unknown>) =>
    String(((await admin('POST', '/v1/admin/creators', { displayName, taxResidency, identityVerified: true, followers: 20_000, contract: { startsOn: `${period}-01`, ...contract } })).body.creator as { id: string }).id);
  creators.agency = await creator('李小红', 'resident', { type: 'agency', agencyId, commissionRateBps: 3000 });
  creators.personal = await creator('Sam Lee', 'non_resident', { type: 'personal', commissionRateBps: 2000 });
  const secret = String(partner.body.webhookSecret);
  await deliveredOrder(merchant.apiKey, secret, creators.agency, 1, 'a1');
  await deliveredOrder(merchant.apiKey, secret, creators.agency, 2, 'a2');
  await deliveredOrder(merchant.apiKey, secret, creators.personal, 1, 'p1');
  // Every delivery accrued the creator's commission and the merchant's proceeds (the runtime's bus, GET /local/events).
  await eventually(async () => {
    const seen = (await admin('GET', '/local/events')).body.data as Array<{ 'detail-type': string }>;
    const count = (type: string) => seen.filter((e) => e['detail-type'] === type).length;
    return count('CommissionAccrued') === 3 && count('MerchantSettlementAccrued') === 3 ? true : undefined;
  }, 200);

  // A month later: the business clock of the API, and the browser's own, move together.
  expect((await admin('POST', '/local/clock', { to: afterPeriod })).status).toBe(200);
  profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
  // A fresh profile (--user-data-dir, which Playwright passes for a persistent context).
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-US',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.clock.setFixedTime(new Date(afterPeriod));
  mkdirSync(screenshots, { recursive: true });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await walk?.finish();
});

/** CNY as the console shows it in English. */
const cny = (fen: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'CNY' }).format(fen / 100);

const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

describe('the finance console in Chromium', () => {
  it('refuses a wrong key clearly, then signs in with the finance key kept in session storage only', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(`${base}/console`);
    await page.getByLabel('Finance API key').fill('xbk_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'That API key was not accepted');
    await shot('sign-in');

    await page.getByLabel('Finance API key').fill(financeKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Payout periods' }).waitFor();
    expect(await page.evaluate(() => Object.values(sessionStorage))).toContain(financeKey);
    expect(await page.evaluate(() => Object.values(localStorage))).not.toContain(financeKey);
    expect(await context.cookies()).toEqual([]);
    expect(requests.every((url) => url.startsWith(base))).toBe(true); // no third-party request
    expect(csp).toEqual([]); // nothing the page does is refused by its CSP
  });

  it('shows the period not run yet with its preview, starts the run after confirmation and follows it to completion', async () => {
    const row = page.locator('#periods tbody tr', { hasText: period });
    await expectText(row, 'Not run');
    await row.getByRole('link', { name: `Preview ${period}` }).click();
    await page.getByRole('heading', { name: `Preview of ${period}` }).waitFor();
    type Totals = Record<string, { amount: number }>;
    const preview = (await finance(`/v1/payout-periods/${period}/preview`)) as {
      creators: { lines: Array<{ creatorId: string }>; totals: Totals };
      merchants: { lines: Array<{ merchantId: string }>; totals: Totals };
    };
    expect(preview.creators.lines.map((l) => l.creatorId).sort()).toEqual([creators.agency, creators.personal].sort());
    expect(preview.merchants.lines.map((l) => l.merchantId)).toEqual([merchantId]);
    for (const key of ['gross', 'agencyFees', 'taxWithheld', 'net']) {
      await expectText(page.locator(`#preview-creators [data-total="${key}"]`), cny(preview.creators.totals[key]?.amount ?? -1));
    }
    for (const key of ['gross', 'platformFee', 'creatorCommissions', 'refunds', 'net']) {
      await expectText(page.locator(`#preview-merchants [data-total="${key}"]`), cny(preview.merchants.totals[key]?.amount ?? -1));
    }
    expect(await page.locator('#preview-creators tbody tr').count()).toBe(2);
    await expectText(page.locator('#preview-merchants tbody'), 'Hangzhou Tea & Silk Co.');
    await shot('preview');
    // Every text the progress line shows, recorded as it changes (the run view replaces it when done).
    await page.evaluate(`{
      const seen = (window.progressSeen = []);
      new MutationObserver(() => {
        const text = document.getElementById('run-progress-text')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    }`);
    await page.getByRole('button', { name: 'Start payout run' }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, `Start the payout run for ${period}?`);
    await dialog.getByRole('button', { name: 'Start run' }).click();
    await page.getByRole('heading', { name: `Payout run ${period}` }).waitFor({ timeout: 30_000 });
    const run = await finance(`/v1/payout-runs/run_${period}`);
    expect(run).toMatchObject({ status: 'completed', lineCount: 2 });
    // Live progress: the run as POST answered it (running, nothing settled), then completed with its lines.
    const progress = (await page.evaluate('window.progressSeen')) as string[];
    expect(progress[0]).toBe('Running: 0 lines settled so far');
    expect(progress.at(-1)).toBe('Completed: 2 lines settled');
    // The preview showed what the run then paid.
    expect((run.totals as { net: { amount: number } }).net.amount).toBe(preview.creators.totals.net?.amount);
  });

  it("shows the run totals, the tax by income category, the merchants' totals and the chart as the API reports them", async () => {
    const run = (await finance(`/v1/payout-runs/run_${period}`)) as { totals: Record<string, { amount: number }> };
    for (const key of ['gross', 'agencyFees', 'taxWithheld', 'net']) {
      expect(await page.locator(`#creator-totals [data-total="${key}"]`).textContent()).toBe(cny(run.totals[key]?.amount ?? -1));
    }
    const statements = (await finance(`/v1/payout-runs/run_${period}/merchant-statements?format=json`)) as { lines: unknown[]; totals: Record<string, { amount: number }> };
    expect(statements.lines.length).toBe(1);
    expect(statements.totals.gross?.amount).toBeGreaterThan(0);
    for (const key of ['gross', 'platformFee', 'creatorCommissions', 'refunds', 'net']) {
      expect(await page.locator(`#merchant-totals [data-total="${key}"]`).textContent()).toBe(cny(statements.totals[key]?.amount ?? -1));
    }
    // 30% of 30,000.00 = 9,000 (fee 1,800, taxable 7,200: 66.00 at 3% after 5,000); 20% of 10,000.00 = 2,000 (x 80% = 1,600 at 3%: 48.00).
    const report = (await finance(`/v1/payout-runs/run_${period}/report?format=json`)) as { lines: Array<{ creatorId: string; incomeCategory: string; taxWithheld: { amount: number } }> };
    const taxOf = (category: string) => report.lines.filter((l) => l.incomeCategory === category).reduce((sum, l) => sum + l.taxWithheld.amount, 0);
    const byCategory = page.locator('#creator-totals table tbody tr');
    await expectText(byCategory.filter({ hasText: 'Wages' }), cny(taxOf('wages')));
    await expectText(byCategory.filter({ hasText: 'Labour remuneration' }), cny(taxOf('labor_remuneration')));
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
    await expectText(page.locator('#chart-data tbody tr', { hasText: period }), cny(run.totals.net?.amount ?? -1));
    // The remittance table is the report's own per-agency totals (the JSON report's `agencies`).
    type Amount = { amount: number };
    const { agencies } = (await finance(`/v1/payout-runs/run_${period}/report?format=json`)) as {
      agencies: Array<{ agencyId: string; creators: number; transfer: Amount; agencyFees: Amount; taxToRemit: Amount; net: Amount }>;
    };
    expect(agencies.map((a) => [a.agencyId, a.creators])).toEqual([[agencyId, 1]]);
    const [remitted] = agencies;
    expect(await page.locator('#remittance tbody tr td').allTextContents()).toEqual([
      agencyId,
      '1',
      ...[remitted?.transfer, remitted?.agencyFees, remitted?.taxToRemit, remitted?.net].map((m) => cny(m?.amount ?? -1)),
    ]);
    // Labelled controls: every button, field, list and link of the run view has a name (its text, aria-label or <label for>).
    const controls = (await page.evaluate(`[...document.querySelectorAll('button, input, select, a[href]')].map((el) => ({
      html: el.outerHTML.slice(0, 120),
      named: Boolean(el.getAttribute('aria-label') || el.textContent.trim() || (el.id && document.querySelector('label[for="' + el.id + '"]'))),
    }))`)) as Array<{ html: string; named: boolean }>;
    expect(controls.length).toBeGreaterThan(15);
    expect(controls.filter((c) => !c.named)).toEqual([]);
    await shot('run');
  });

  it('searches and sorts the lines and drills down from a line to its commission entries and orders', async () => {
    await page.getByLabel('Search lines').fill('李小');
    await expectText(page.locator('#lines-page'), '(1 lines)');
    await page.getByLabel('Search lines').fill('');
    await page.getByRole('button', { name: 'Net', exact: true }).click();
    await page.getByRole('button', { name: /^Net/ }).click();
    expect(await page.locator('#lines tbody tr').first().getAttribute('data-creator')).toBe(creators.agency); // net descending: the agency creator earns more
    // By keyboard: focus the line's button, Enter opens the dialog, Escape closes it and focus comes back.
    await page.getByRole('button', { name: 'Details of 李小红' }).focus();
    await page.keyboard.press('Enter');
    const detail = (await finance(`/v1/payout-runs/run_${period}/lines/${creators.agency}`)) as { entries: Array<{ orderId: string }>; orders: Array<{ orderId: string }> };
    expect(detail.entries.length).toBe(2);
    // 30% of one and of two gift sets (10,000.00 CNY each): the line's gross, nothing carried in.
    expect(detail).toMatchObject({ gross: { amount: 900_000 }, entriesTotal: { amount: 900_000 }, carriedIn: { amount: 0 }, truncated: false });
    expect(detail.orders.map((o) => o.orderId).sort()).toEqual(detail.entries.map((e) => e.orderId).sort());
    expect((await request(base, 'GET', `/v1/payout-runs/run_${period}/lines/cre_unknown`, { key: financeKey })).status).toBe(404);
    expect((await request(base, 'GET', `/v1/payout-runs/run_${period}/lines/${encodeURIComponent('cre_1#x')}`, { key: financeKey })).status).toBe(400);
    expect((await request(base, 'GET', `/v1/payout-runs/run_${period}/lines/${creators.agency}`, { key: walk.local.adminKey })).status).toBe(403);
    const dialog = page.getByRole('dialog');
    await dialog.locator('#drill-orders').waitFor();
    for (const { orderId } of detail.orders) await expectText(dialog.locator('#drill-orders tbody'), orderId);
    expect(await dialog.locator('#drill-entries tbody tr').count()).toBe(2);
    await shot('drill-down');
    await page.keyboard.press('Escape');
    await page.locator('#drill-down').waitFor({ state: 'detached' });
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Details of 李小红');
  });

  it('downloads the creator report and the merchant statements with exactly the bytes the API serves, and the agency remittance', async () => {
    const download = async (button: string, file: string): Promise<Buffer> => {
      const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      expect(saved.suggestedFilename()).toBe(file);
      return readFileSync(await saved.path());
    };
    const fromApi = async (path: string): Promise<Buffer> =>
      Buffer.from(await (await fetch(`${base}/v1/payout-runs/run_${period}${path}`, { headers: { authorization: `Bearer ${financeKey}` } })).arrayBuffer());
    expect((await download('Creator report (CSV)', `payout-${period}.csv`)).equals(await fromApi('/report?format=csv'))).toBe(true);
    expect((await download('Creator report (JSON)', `payout-${period}.json`)).equals(await fromApi('/report?format=json'))).toBe(true);
    const statementsCsv = await download('Merchant statements (CSV)', `merchant-statements-${period}.csv`);
    expect(statementsCsv.equals(await fromApi('/merchant-statements?format=csv'))).toBe(true);
    expect(statementsCsv.toString('utf8')).toContain(merchantId);
    expect((await download('Merchant statements (JSON)', `merchant-statements-${period}.json`)).equals(await fromApi('/merchant-statements?format=json'))).toBe(true);

    const { agencies } = (await finance(`/v1/payout-runs/run_${period}/report?format=json`)) as { agencies: Array<Record<string, { amount: number }>> };
    const yuan = (money: { amount: number } | undefined) => ((money?.amount ?? -1) / 100).toFixed(2);
    const rows = (await download('Agency remittance (CSV)', `agency-remittance-${period}.csv`)).toString('utf8');
    expect(rows).toBe(
      `\uFEFFagency_id,creators,gross_cny,agency_fee_cny,tax_to_remit_cny,net_to_pay_cny\r\n` +
        `${agencyId},1,${yuan(agencies[0]?.transfer)},${yuan(agencies[0]?.agencyFees)},${yuan(agencies[0]?.taxToRemit)},${yuan(agencies[0]?.net)}\r\n`,
    );
  });

  it('speaks Simplified Chinese with the switch, amounts in CNY', async () => {
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: `结算运行 ${period}` }).waitFor();
    await expectText(page.locator('#creator-totals'), '¥');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await shot('run-zh');
    await page.getByRole('link', { name: '返回期间列表' }).click();
    await expectText(page.locator('#periods tbody tr', { hasText: period }), '已完成');
    await shot('periods');
  });
});

/** Waits for the locator to contain the text (the console renders asynchronously). */
async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  const match = locator.filter({ hasText: text }).first();
  await match.waitFor({ state: 'attached', timeout: 15_000 });
  expect(await match.textContent()).toContain(text);
}
