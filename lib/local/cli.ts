/**
 * `npm run local -- <command>`: the local runtime's operator tools, over its HTTP API.
 *   dead-letters            what the local bus and stream poller gave up on
 *   events                  recent events on the local bus
 *   schedules               the manifest's schedules
 *   run-schedule <name>     run a schedule now (monthly jobs can be tried at once)
 *   clock [ISO time]        show, or move, the business clock (e.g. to the 2nd of next month)
 *   stripe-resend <evt_id>  have the Stripe stand-in send that event to the webhook again
 * API_URL (default http://127.0.0.1:$PORT or :3000) and ADMIN_API_KEY (default: the key
 * `npm start` keeps in $DATA_DIR/local-secrets.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findRuntime } from '../../scripts/stripe-pay.js';

const usage = 'usage: npm run local -- dead-letters | events | schedules | run-schedule <name> | clock [ISO time] | stripe-resend <evt_id>';

/** Resends a Stripe event through the running runtime's stand-in (what `stripe events resend` does). */
const stripeResend = async (eventId: string): Promise<number> => {
  const runtime = findRuntime(process.env);
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

const main = async (): Promise<number> => {
  const [command, arg] = process.argv.slice(2);
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
  const response = await fetch(`${base}${route.path}`, {
    method: route.method,
    headers: { authorization: `Bearer ${adminKey()}`, 'content-type': 'application/json' },
    ...(command === 'clock' && arg ? { body: JSON.stringify({ to: arg }) } : {}),
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
