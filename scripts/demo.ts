/**
 * `npm run demo`: the whole journey against a running `npm start`, one step at a time, each
 * printed with a green check and the URL to look at: enrol a merchant, list a catalogue, an
 * order in each market (US, HK, MO), pay (Stripe stand-in), book parcels, partner webhook
 * events (a flight included), public tracking, delivery, the local business clock moved past
 * the return window and month end, commission accrued, payout run, creator report, merchant
 * statement and balance. Exit status 0 when every step is green, 1 on the first failure,
 * 2 when no runtime or admin key is found.
 *
 * The runtime is found the way `npm run stripe:pay` finds it (lib/local/discovery.ts; PORT,
 * API_URL or DATA_DIR picks one of several). The admin key: ADMIN_API_KEY, else
 * `adminApiKey` in the runtime's DATA_DIR/local-secrets.json, where `npm start` keeps it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { findRuntime, ConfigError } from './stripe-pay.js';
import { randomUscc } from './demo-data.js';

const green = (s: string) => (process.stdout.isTTY ? `\u001b[32m${s}\u001b[0m` : s);
const red = (s: string) => (process.stdout.isTTY ? `\u001b[31m${s}\u001b[0m` : s);

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

class StepFailed extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const adminKeyFor = (env: Readonly<Record<string, string | undefined>>, dataDir: string): string => {
  if (env.ADMIN_API_KEY) return env.ADMIN_API_KEY;
  const file = join(dataDir, 'local-secrets.json');
  if (dataDir === 'memory' || !existsSync(file)) throw new ConfigError(`no admin key: set ADMIN_API_KEY (the runtime keeps no ${file})`);
  const key: unknown = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>).adminApiKey;
  if (typeof key !== 'string' || key === '') throw new ConfigError(`${file} holds no adminApiKey`);
  return key;
};

const main = async (): Promise<number> => {
  let apiUrl: string;
  let adminKey: string;
  let dataDir: string;
  try {
    const runtime = findRuntime(process.env);
    apiUrl = runtime.apiUrl;
    dataDir = runtime.dataDir;
    adminKey = adminKeyFor(process.env, dataDir);
  } catch (error) {
    process.stderr.write(`${red('✗')} ${error instanceof Error ? error.message : String(error)}\n  Start the runtime first: npm start\n`);
    return 2;
  }

  const call = async (method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { value: parsed } };
  };
  const expectStatus = (reply: Reply, what: string, ...statuses: number[]): Reply => {
    if (!statuses.includes(reply.status)) throw new StepFailed(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`);
    return reply;
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, tries = 150): Promise<T> => {
    for (let i = 0; i < tries; i += 1) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(200);
    }
    throw new StepFailed(`timed out waiting for ${what}`);
  };
  const npm = (script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> =>
    new Promise((done) => {
      const child = spawn('npm', ['run', '--silent', script, '--', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => done({ code, output }));
    });

  let n = 0;
  const step = async (title: string, fn: () => Promise<string>): Promise<void> => {
    n += 1;
    const where = await fn();
    process.stdout.write(`${green('✔')} ${String(n).padStart(2)}. ${title}\n      ${where}\n`);
  };

  const run = Date.now().toString(36).toUpperCase();
  const state: {
    merchantKey: string;
    merchantId: string;
    partnerCode: string;
    partnerSecret: string;
    creatorId: string;
    financeKey: string;
    period: string;
    orders: Array<{ market: 'US' | 'HK' | 'MO'; id: string; tracking: string }>;
    runId: string;
  } = { merchantKey: '', merchantId: '', partnerCode: `DEMO_${run}`.slice(0, 16), partnerSecret: '', creatorId: '', financeKey: '', period: '', orders: [], runId: '' };

  const partnerPost = async (events: unknown[], id: string): Promise<Reply> => {
    const body = JSON.stringify({ events });
    const now = new Date();
    const res = await fetch(`${apiUrl}/v1/webhooks/logistics/${state.partnerCode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': new Webhook(state.partnerSecret).sign(id, now, body) },
      body,
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };

  process.stdout.write(`xborder demo against ${apiUrl} (DATA_DIR ${dataDir})\n\n`);
  try {
    await step('The API is up and reaches its table', async () => {
      expectStatus(await call('GET', '/health', adminKey), 'GET /health', 200);
      return `${apiUrl}/health · API docs ${apiUrl}/docs`;
    });
    await step('Operator enrols a merchant (markets US, HK, MO)', async () => {
      const reply = expectStatus(
        await call('POST', '/v1/admin/merchants', adminKey, { name: `Hangzhou Tea & Silk Co. ${run}`, uscc: randomUscc(), contactEmail: 'export@tea-silk.example.cn', markets: ['US', 'HK', 'MO'] }),
        'enrol merchant',
        201,
      );
      state.merchantKey = String(reply.body.apiKey);
      state.merchantId = String((reply.body.merchant as { id: string }).id);
      return `merchant ${state.merchantId} · ${apiUrl}/v1/admin/merchants/${state.merchantId}`;
    });
    await step('Merchant lists its catalogue (tea, silk scarf)', async () => {
      const products = {
        'LJ-TEA-250G': { title: { en: 'Longjing green tea 250 g', zh: '龙井绿茶 250 克' }, brand: 'West Lake', hsCode: '090210', originCountry: 'CN', price: { amount: 12800, currency: 'CNY' }, weightGrams: 250 },
        'SZ-SILK-SCARF-90': { title: { en: 'Mulberry silk scarf 90 cm', zh: '桑蚕丝方巾 90 厘米' }, brand: 'Suzhou Silk', hsCode: '621410', originCountry: 'CN', price: { amount: 45900, currency: 'CNY' }, weightGrams: 120 },
      };
      for (const [sku, product] of Object.entries(products)) expectStatus(await call('PUT', `/v1/products/${sku}`, state.merchantKey, product), `PUT ${sku}`, 200, 201);
      return `${apiUrl}/v1/products (merchant key)`;
    });
    await step('Operator registers a logistics partner, an agency and a creator', async () => {
      const partner = expectStatus(await call('POST', '/v1/admin/logistics-partners', adminKey, { code: state.partnerCode, name: 'SF Express (demo)' }), 'register partner', 201);
      state.partnerSecret = String(partner.body.webhookSecret);
      const clock = expectStatus(await call('GET', '/local/clock', adminKey), 'GET /local/clock', 200);
      const now = Date.parse(String(clock.body.now));
      // Delivered now + the return window (7 days): payable in that Asia/Shanghai month.
      state.period = new Date(now + 7 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 7);
      const startsOn = new Date(now + 8 * 3_600_000).toISOString().slice(0, 8) + '01';
      const agency = expectStatus(await call('POST', '/v1/admin/agencies', adminKey, { name: '星光传媒 MCN', country: 'CN', feeBps: 2000 }), 'register agency', 201);
      const agencyId = String((agency.body.agency as { id: string }).id);
      const creator = expectStatus(
        await call('POST', '/v1/admin/creators', adminKey, { displayName: '李小红', taxResidency: 'resident', identityVerified: true, followers: 52_000, contract: { type: 'agency', agencyId, commissionRateBps: 1000, startsOn } }),
        'register creator',
        201,
      );
      state.creatorId = String((creator.body.creator as { id: string }).id);
      return `partner ${state.partnerCode}, agency ${agencyId}, creator ${state.creatorId} · ${apiUrl}/v1/admin/creators/${state.creatorId}`;
    });
    for (const market of ['US', 'HK', 'MO'] as const) {
      await step(`Merchant places an order to ${market} (landed cost, customs data, PaymentIntent)`, async () => {
        const currency = { US: 'USD', HK: 'HKD', MO: 'MOP' }[market];
        const buyer = {
          US: { name: 'Alex Buyer', email: 'alex@example.com', address: { line1: '1 Pike St', city: 'Seattle', country: 'US' } },
          HK: { name: '陳大文', email: 'chan@example.hk', address: { line1: '18 Harbour Road, Wan Chai', city: 'Hong Kong', country: 'HK' } },
          MO: { name: '黃小玲', email: 'wong@example.mo', address: { line1: 'Avenida da Praia Grande 429', city: 'Macau', country: 'MO' } },
        }[market];
        const reply = expectStatus(
          await call(
            'POST',
            '/v1/orders',
            state.merchantKey,
            { currency, buyer, items: [{ sku: 'LJ-TEA-250G', quantity: 4 }, { sku: 'SZ-SILK-SCARF-90', quantity: 1 }], ...(market === 'US' ? { attribution: { creatorId: state.creatorId } } : {}) },
            { 'idempotency-key': `demo-${run}-${market}` },
          ),
          `order to ${market}`,
          201,
        );
        const id = String(reply.body.id);
        state.orders.push({ market, id, tracking: `SF${run}${market}` });
        const total = (reply.body.landedCost ?? reply.body.total) as { total?: { amount: number; currency: string } } | undefined;
        return `order ${id}${total?.total ? ` (${total.total.amount} ${total.total.currency} minor units)` : ''} · ${apiUrl}/v1/orders/${id}`;
      });
    }
    await step('Buyers pay (npm run stripe:pay, the Stripe stand-in sends the signed webhook)', async () => {
      for (const order of state.orders) {
        const paid = await npm('stripe:pay', [order.id], { API_URL: apiUrl, DATA_DIR: dataDir === 'memory' ? 'memory' : dataDir });
        if (paid.code !== 0) throw new StepFailed(`stripe:pay ${order.id} exited ${String(paid.code)}:\n${paid.output}`);
        await until(`${order.id} paid`, async () => ((await call('GET', `/v1/orders/${order.id}`, state.merchantKey)).body.status === 'paid' ? true : undefined));
      }
      return `status "paid" · ${apiUrl}/v1/orders?status=paid`;
    });
    await step('Merchant books a parcel per order', async () => {
      for (const order of state.orders)
        expectStatus(await call('POST', `/v1/orders/${order.id}/shipments`, state.merchantKey, { partnerCode: state.partnerCode, trackingNumber: order.tracking }), `book ${order.tracking}`, 201);
      return `tracking ${state.orders.map((o) => o.tracking).join(', ')}`;
    });
    await step('Partner sends signed milestones (picked up in Hangzhou, departed on a flight)', async () => {
      const t = Date.now();
      const events = state.orders.flatMap((o) => [
        { eventId: `${o.tracking}-1`, trackingNumber: o.tracking, status: 'picked_up', occurredAt: new Date(t - 3_600_000).toISOString(), location: { country: 'CN', city: 'Hangzhou' } },
        { eventId: `${o.tracking}-2`, trackingNumber: o.tracking, status: 'departed', occurredAt: new Date(t - 1_800_000).toISOString(), flight: { number: 'CX905', origin: 'PVG', destination: o.market === 'US' ? 'LAX' : 'HKG' } },
      ]);
      const reply = expectStatus(await partnerPost(events, `msg_${run}_1`), 'partner webhook', 202);
      return `accepted ${String(reply.body.accepted)} · POST ${apiUrl}/v1/webhooks/logistics/${state.partnerCode}`;
    });
    await step('Anyone tracks a parcel (public, no key)', async () => {
      const tracking = state.orders[0]?.tracking ?? '';
      const seen = await until('tracking with its flight', async () => {
        const res = await fetch(`${apiUrl}/v1/tracking/${tracking}`);
        if (res.status !== 200) return undefined;
        const body = (await res.json()) as { status?: string; events?: unknown[]; currentFlight?: { number?: string } };
        return (body.events?.length ?? 0) >= 2 && body.currentFlight ? body : undefined;
      });
      return `status ${String(seen.status)}, flight ${String(seen.currentFlight?.number)} · ${apiUrl}/v1/tracking/${tracking}`;
    });
    await step('Partner reports delivery; every order is delivered', async () => {
      const events = state.orders.map((o) => ({ eventId: `${o.tracking}-3`, trackingNumber: o.tracking, status: 'delivered', occurredAt: new Date().toISOString() }));
      expectStatus(await partnerPost(events, `msg_${run}_2`), 'partner webhook', 202);
      for (const order of state.orders)
        await until(`${order.id} delivered`, async () => ((await call('GET', `/v1/orders/${order.id}`, state.merchantKey)).body.status === 'delivered' ? true : undefined));
      return `${apiUrl}/v1/orders?status=delivered`;
    });
    await step('Creator commission accrued (CommissionAccrued on the bus)', async () => {
      const order = state.orders.find((o) => o.market === 'US')?.id ?? '';
      await until('CommissionAccrued', async () => {
        const seen = (await call('GET', '/local/events', adminKey)).body.data as Array<{ 'detail-type': string; detail?: unknown }> | undefined;
        return seen?.some((e) => e['detail-type'] === 'CommissionAccrued' && JSON.stringify(e.detail ?? {}).includes(order)) ? true : undefined;
      });
      return `${apiUrl}/v1/admin/creators/${state.creatorId} · ${apiUrl}/local/events`;
    });
    await step(`Local business clock moves past the return window and the end of ${state.period}`, async () => {
      const [year = 0, month = 0] = state.period.split('-').map(Number);
      const to = `${month === 12 ? year + 1 : year}-${String(month === 12 ? 1 : month + 1).padStart(2, '0')}-02T00:00:00.000Z`;
      const moved = expectStatus(await call('POST', '/local/clock', adminKey, { to }), 'POST /local/clock', 200);
      return `now ${String(moved.body.now)} · ${apiUrl}/local/clock (npm run local -- clock)`;
    });
    await step(`Finance runs the ${state.period} payouts (npm run finance -- payout-run)`, async () => {
      state.financeKey = String(expectStatus(await call('POST', '/v1/admin/api-keys', adminKey, { role: 'finance' }), 'finance key', 201).body.apiKey);
      const ran = await npm('finance', ['payout-run', '--period', state.period], { API_URL: apiUrl, FINANCE_API_KEY: state.financeKey });
      if (ran.code !== 0) throw new StepFailed(`payout-run exited ${String(ran.code)}:\n${ran.output}`);
      state.runId = String((JSON.parse(ran.output.slice(ran.output.indexOf('{'))) as { id: string }).id);
      return `run ${state.runId} · ${apiUrl}/v1/payout-runs/${state.runId}`;
    });
    await step('Finance reads the creator payout report', async () => {
      const report = expectStatus(await call('GET', `/v1/payout-runs/${state.runId}/report?format=json`, state.financeKey), 'creator report', 200);
      if (!JSON.stringify(report.body).includes(state.creatorId)) throw new StepFailed(`the report has no line for ${state.creatorId}`);
      return `${apiUrl}/v1/payout-runs/${state.runId}/report?format=csv`;
    });
    await step('Finance reads the merchant statements', async () => {
      const report = expectStatus(await call('GET', `/v1/payout-runs/${state.runId}/merchant-statements?format=json`, state.financeKey), 'merchant statements', 200);
      if (!JSON.stringify(report.body).includes(state.merchantId)) throw new StepFailed(`the merchant statements have no line for ${state.merchantId}`);
      return `${apiUrl}/v1/payout-runs/${state.runId}/merchant-statements?format=csv`;
    });
    await step('Merchant reads its statement and balance', async () => {
      expectStatus(await call('GET', `/v1/settlements/${state.period}/statement?format=json`, state.merchantKey), 'merchant statement', 200);
      const balance = expectStatus(await call('GET', '/v1/balance', state.merchantKey), 'balance', 200);
      const money = (k: string) => {
        const m = balance.body[k] as { amount?: number; currency?: string } | undefined;
        return `${k} ${String(m?.amount)} ${String(m?.currency)}`;
      };
      return `${['pending', 'available', 'paid'].map(money).join(', ')} · ${apiUrl}/v1/balance · ${apiUrl}/v1/settlements/${state.period}/statement`;
    });
  } catch (error) {
    process.stdout.write(`${red('✗')} ${String(n).padStart(2)}. failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`\nAll ${n} steps green. Keys for trying more: merchant ${state.merchantKey} · finance ${state.financeKey}\n`);
  return 0;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
