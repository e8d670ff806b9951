/**
 * `npm run local -- <command>`: the local runtime's operator tools, over its HTTP API.
 *   dead-letters            what the local bus and stream poller gave up on
 *   events                  recent events on the local bus
 *   schedules               the manifest's schedules
 *   run-schedule <name>     run a schedule now (monthly jobs can be tried at once)
 *   clock [ISO time | next-month]  show, or move, the business clock (next-month: to the 2nd of
 *                           the next Asia/Shanghai month, so the current one can be paid out)
 *   stripe-resend <evt_id>  have the Stripe stand-in send that event to the webhook again
 *   url                     print the running runtime's API URL (found like stripe:pay finds it)
 *   admin-key               print its operator key (ADMIN_API_KEY, or the one it keeps in DATA_DIR)
 *   pick <path>             read a JSON answer on stdin, print one field (`apiKey`, `merchant.id`,
 *                           `data.0.id`); exit 1 with the answer on stderr when it has none
 * The guides use the last three so that nothing has to be copied by hand:
 *   API_URL=$(npm run --silent local -- url)
 *   MERCHANT_KEY=$(curl -s ... | npm run --silent local -- pick apiKey)
 * API_URL (default http://127.0.0.1:$PORT or :3000) and ADMIN_API_KEY (default: the key
 * `npm start` keeps in $DATA_DIR/local-secrets.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The runtime finder comes with the Stripe SDK: imported only by the commands that need it, so
// `pick` (which the guides run after every answer) starts fast.
const runtimeFinder = () => import('../../scripts/stripe-pay.js');

const usage = 'usage: npm run local -- dead-letters | events | schedules | run-schedule <name> | clock [ISO time | next-month] | stripe-resend <evt_id> | url | admin-key | pick <path>';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** One field of a JSON document (dot path; array items by index), or undefined. */
const fieldAt = (document: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), document);

/** `pick <path>`: prints the field (strings as they are, anything else as JSON); exit 1 when absent or null. */
const pick = async (path: string): Promise<number> => {
  const text = await readStdin();
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    console.error(`pick ${path}: the input is not JSON: ${text.slice(0, 500)}`);
    return 1;
  }
  const value = fieldAt(document, path);
  if (value === undefined || value === null) {
    console.error(`pick ${path}: no such field in ${text.slice(0, 1000)}`);
    return 1;
  }
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  return 0;
};

/** Resends a Stripe event through the running runtime's stand-in (what `stripe events resend` does). */
const stripeResend = async (eventId: string): Promise<number> => {
  const runtime = (await runtimeFinder()).findRuntime(process.env);
  if (!runtime.stripe) throw new Error(`the runtime at ${runtime.apiUrl} uses real Stripe: resend from the Stripe Dashboard or CLI`);
  const response = await fetch(`${runtime.stripe.url}/v1/events/${encodeURIComponent(eventId)}/retry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${runtime.stripe.secretKey}` },
  });
  console.log(JSON.stringify(await response.json(), null, 2));
  return response.ok ? 0 : 1;
};

const adminKey = (): string => {
  if (process.env.ADMIN_API_KEY) return process.env.ADMIN_API_KEY;
  const file = join(resolve(process.env.DATA_DIR ?? '.data'), 'local-secrets.json');
  if (existsSync(file)) {
    const key = (JSON.parse(readFileSync(file, 'utf8')) as { adminApiKey?: string }).adminApiKey;
    if (key) return key;
  }
  throw new Error(`set ADMIN_API_KEY (no key found in ${file})`);
};

/** The 2nd of the Asia/Shanghai month after the business clock's, 00:00 UTC (08:00 in Shanghai). */
const nextMonth = async (base: string, headers: Record<string, string>): Promise<string> => {
  const clock = (await (await fetch(`${base}/local/clock`, { headers })).json()) as { now?: string };
  const shanghai = new Date(Date.parse(clock.now ?? '') + 8 * 3_600_000);
  if (Number.isNaN(shanghai.getTime())) throw new Error(`the runtime at ${base} did not tell its clock`);
  return new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + 1, 2)).toISOString();
};

const main = async (): Promise<number> => {
  const [command, arg] = process.argv.slice(2);
  if (command === 'help' || command === '--help') {
    console.log(usage);
    return 0;
  }
  if (command === 'pick') {
    if (!arg) {
      console.error(usage);
      return 2;
    }
    return pick(arg);
  }
  if (command === 'url' || command === 'admin-key') {
    const runtime = (await runtimeFinder()).findRuntime(process.env);
    console.log(command === 'url' ? runtime.apiUrl : (await import('../../scripts/demo.js')).adminKeyFor(process.env, runtime.dataDir));
    return 0;
  }
  if (command === 'stripe-resend') {
    if (!arg) {
      console.error(usage);
      return 2;
    }
    return stripeResend(arg);
  }
  const base = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const routes: Record<string, { method: string; path: string } | undefined> = {
    'dead-letters': { method: 'GET', path: '/local/dead-letters' },
    events: { method: 'GET', path: '/local/events' },
    schedules: { method: 'GET', path: '/local/schedules' },
    'run-schedule': arg ? { method: 'POST', path: `/local/schedules/${encodeURIComponent(arg)}` } : undefined,
    clock: { method: arg ? 'POST' : 'GET', path: '/local/clock' },
  };
  const route = command ? routes[command] : undefined;
  if (!route) {
    console.error(usage);
    return 2;
  }
  const headers = { authorization: `Bearer ${adminKey()}`, 'content-type': 'application/json' };
  const to = command === 'clock' && arg === 'next-month' ? await nextMonth(base, headers) : arg;
  const response = await fetch(`${base}${route.path}`, {
    method: route.method,
    headers,
    ...(command === 'clock' && to ? { body: JSON.stringify({ to }) } : {}),
  });
  console.log(JSON.stringify(await response.json(), null, 2));
  return response.ok ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
