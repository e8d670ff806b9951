/**
 * `npm run stripe:pay -- <orderId> [--decline]`: pays (or fails to pay) an order's
 * PaymentIntent the way a customer would; the webhook then reaches the backend as Stripe sends it.
 *
 *   1. finds the order's PaymentIntent: search `metadata['orderId']:'<orderId>'`
 *   2. confirms it with the test card pm_card_visa (pm_card_chargeDeclined with --decline)
 *   3. against the local stand-in (the default): the stand-in itself sends the signed
 *      `payment_intent.succeeded` / `payment_intent.payment_failed` event to the runtime and
 *      retries it with backoff until it is accepted; this waits a few seconds for that and
 *      prints the event id (resend: `npm run local -- stripe-resend evt_…`).
 *      Against real Stripe (STRIPE_SECRET_KEY or STRIPE_API_BASE set): signs the event with
 *      the webhook secret and POSTs it to <API_URL>/v1/webhooks/stripe itself.
 *
 * The running `npm start` is found without guessing, whatever its PORT and DATA_DIR (memory
 * included): each runtime announces itself in a per-user directory (lib/local/discovery.ts).
 * With several running, PORT, API_URL or DATA_DIR picks one.
 *   STRIPE_SECRET_KEY      real Stripe (test mode) instead of the stand-in
 *   STRIPE_WEBHOOK_SECRET  with real Stripe: the secret to sign with (default: $DATA_DIR/local-secrets.json)
 *   STRIPE_API_BASE        e.g. http://127.0.0.1:4010: a Stripe-compatible API at that address (signed here)
 *   API_URL, PORT, DATA_DIR  which runtime (only needed with several running)
 * Exit status: 0 when the webhook was accepted (2xx), 1 otherwise, 2 on usage or configuration errors.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { discoveryDir, runningRuntimes, type DiscoveredRuntime } from '../lib/local/discovery.js';

export const usage = 'usage: npm run stripe:pay -- <orderId> [--decline]';

/** Where the Stripe SDK should send requests; absent means api.stripe.com. */
export interface StripeEndpoint {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

export interface StripePayConfig {
  readonly secretKey: string;
  /** Only when this script signs and sends the event itself (real Stripe, STRIPE_API_BASE). */
  readonly webhookSecret: string | undefined;
  /** `stand-in`: the local stand-in delivers the event (with retries); `here`: signed and POSTed by this script. */
  readonly delivery: 'stand-in' | 'here';
  readonly stripeApi: StripeEndpoint | undefined;
  /** The backend's webhook endpoint. */
  readonly webhookUrl: string;
  /** Where each setting came from, for the output. */
  readonly sources: { readonly secretKey: string; readonly webhookSecret: string; readonly stripeApi: string };
}

/** A configuration problem (exit status 2). */
export class ConfigError extends Error {}

const readJson = (file: string): Record<string, unknown> | undefined => {
  if (!existsSync(file)) return undefined;
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const parseStripeApiBase = (base: string): StripeEndpoint => {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ConfigError(`STRIPE_API_BASE is not a URL: ${base}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`STRIPE_API_BASE must be http(s): ${base}`);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80, protocol };
};

/** The running runtime these settings point at: the only one, or the one PORT / API_URL / DATA_DIR names. */
export const findRuntime = (env: Readonly<Record<string, string | undefined>>, dir = discoveryDir(env)): DiscoveredRuntime => {
  const apiUrl = text(env.API_URL)?.replace(/\/+$/, '');
  const port = text(env.PORT);
  const dataDir = text(env.DATA_DIR);
  const all = runningRuntimes(dir);
  const matching = all.filter(
    (r) =>
      (!apiUrl || r.apiUrl === apiUrl || new URL(r.apiUrl).port === new URL(apiUrl).port) &&
      (!port || new URL(r.apiUrl).port === port) &&
      (!dataDir || r.dataDir === (dataDir === 'memory' ? 'memory' : resolve(dataDir))),
  );
  const [only, ...more] = matching;
  if (!only) {
    throw new ConfigError(
      all.length === 0
        ? `no running \`npm start\` found (runtimes announce themselves in ${dir}). Start it, or set STRIPE_SECRET_KEY for real Stripe test mode.`
        : `no running \`npm start\` matches ${[apiUrl && `API_URL=${apiUrl}`, port && `PORT=${port}`, dataDir && `DATA_DIR=${dataDir}`].filter(Boolean).join(' ')}; running: ${all.map((r) => `${r.apiUrl} (DATA_DIR ${r.dataDir})`).join(', ')}`,
    );
  }
  if (more.length > 0) {
    throw new ConfigError(`several runtimes are running: ${matching.map((r) => `${r.apiUrl} (DATA_DIR ${r.dataDir})`).join(', ')}; set PORT or DATA_DIR to pick one`);
  }
  return only;
};

/**
 * Settings: by default the running `npm start` and its Stripe stand-in (found through
 * discovery; the stand-in delivers the webhook). A key from the environment talks to real
 * Stripe unless STRIPE_API_BASE says otherwise; with either, this script signs and sends the
 * webhook itself, with the secret from the environment or `$DATA_DIR/local-secrets.json`.
 */
export const resolveStripePayConfig = (env: Readonly<Record<string, string | undefined>> = process.env, dir = discoveryDir(env)): StripePayConfig => {
  const envKey = text(env.STRIPE_SECRET_KEY);
  const base = text(env.STRIPE_API_BASE);
  if (!envKey && !base) {
    const runtime = findRuntime(env, dir);
    if (!runtime.stripe) throw new ConfigError(`the runtime at ${runtime.apiUrl} uses real Stripe: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET`);
    return {
      secretKey: runtime.stripe.secretKey,
      webhookSecret: undefined,
      delivery: 'stand-in',
      stripeApi: parseStripeApiBase(runtime.stripe.url),
      webhookUrl: `${runtime.apiUrl}/v1/webhooks/stripe`,
      sources: { secretKey: `the runtime at ${runtime.apiUrl}`, webhookSecret: 'the stand-in signs', stripeApi: `the local stand-in at ${runtime.stripe.url} (runtime ${runtime.apiUrl}, DATA_DIR ${runtime.dataDir})` },
    };
  }
  const dataSetting = env.DATA_DIR ?? '.data';
  const dataDir = dataSetting === 'memory' ? undefined : resolve(dataSetting);
  const secretsFile = dataDir ? join(dataDir, 'local-secrets.json') : undefined;
  const secrets = secretsFile ? readJson(secretsFile) : undefined;
  const where = secretsFile ?? 'DATA_DIR (memory: nothing is kept on disk)';
  const secretKey = envKey ?? text(secrets?.stripeSecretKey);
  if (!secretKey) throw new ConfigError(`set STRIPE_SECRET_KEY (no stripeSecretKey found in ${where})`);
  const envWebhookSecret = text(env.STRIPE_WEBHOOK_SECRET);
  const webhookSecret = envWebhookSecret ?? text(secrets?.stripeWebhookSecret);
  if (!webhookSecret) throw new ConfigError(`set STRIPE_WEBHOOK_SECRET (no stripeWebhookSecret found in ${where})`);
  const stripeApi = base ? parseStripeApiBase(base) : undefined;
  const explicitApi = text(env.API_URL) ?? (text(env.PORT) ? `http://127.0.0.1:${text(env.PORT) ?? ''}` : undefined);
  const apiUrl = (explicitApi ?? findRuntime(env, dir).apiUrl).replace(/\/+$/, '');
  return {
    secretKey,
    webhookSecret,
    delivery: 'here',
    stripeApi,
    webhookUrl: `${apiUrl}/v1/webhooks/stripe`,
    sources: {
      secretKey: envKey ? 'STRIPE_SECRET_KEY' : (secretsFile ?? ''),
      webhookSecret: envWebhookSecret ? 'STRIPE_WEBHOOK_SECRET' : (secretsFile ?? ''),
      stripeApi: base ? `STRIPE_API_BASE (${base})` : 'api.stripe.com (STRIPE_SECRET_KEY is set, STRIPE_API_BASE is not)',
    },
  };
};

export interface StripePayArgs {
  readonly orderId: string;
  readonly decline: boolean;
}

/** Parses the command line; throws ConfigError on misuse. */
export const parseStripePayArgs = (argv: readonly string[]): StripePayArgs => {
  const positional = argv.filter((arg) => !arg.startsWith('--'));
  const flags = argv.filter((arg) => arg.startsWith('--'));
  const unknown = flags.filter((flag) => flag !== '--decline');
  if (unknown.length > 0) throw new ConfigError(`unknown option ${unknown.join(' ')}`);
  const [orderId, ...extra] = positional;
  if (!orderId) throw new ConfigError('the order id is missing');
  if (extra.length > 0) throw new ConfigError(`unexpected arguments: ${extra.join(' ')}`);
  // Keeps the search query well-formed (Stripe's query language would need escaping otherwise).
  if (!/^[A-Za-z0-9_.:-]+$/.test(orderId)) throw new ConfigError(`not an order id: ${orderId}`);
  return { orderId, decline: flags.includes('--decline') };
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/**
 * Stripe's search is eventually consistent (new objects can take up to a minute to appear),
 * so against real Stripe an empty answer is retried for a while; the stand-in is immediate.
 */
const findIntent = async (stripe: Stripe, orderId: string, waitMs: number): Promise<Stripe.PaymentIntent[]> => {
  const query = `metadata['orderId']:'${orderId}'`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt += 1) {
    const result = await stripe.paymentIntents.search({ query, limit: 10 });
    if (result.data.length > 0 || Date.now() >= deadline) return result.data;
    if (attempt === 0) console.log(`no PaymentIntent with ${query} yet; waiting for Stripe's search index (up to ${waitMs / 1000} s)…`);
    await sleep(2_000);
  }
};

const describe = (intent: Stripe.PaymentIntent): string =>
  `${intent.id} (${intent.status}, ${intent.amount} ${intent.currency.toUpperCase()})`;

/**
 * The stand-in sends the event itself (signed, retried with backoff): find it, and wait a few
 * seconds for the backend to accept it. Not accepted yet is not lost: the stand-in keeps trying.
 */
const awaitStandInDelivery = async (stripe: Stripe, intentId: string, type: string, webhookUrl: string): Promise<number> => {
  const events = await stripe.events.list({ type, limit: 100 });
  const event = events.data.find((candidate) => (candidate.data.object as { id?: string }).id === intentId);
  if (!event) {
    console.error(`the stand-in recorded no ${type} event for ${intentId}`);
    return 1;
  }
  console.log(`webhook:         ${type} ${event.id} -> POST ${webhookUrl} (sent by the Stripe stand-in)`);
  const deadline = Date.now() + 15_000;
  for (let current = event; ; current = await stripe.events.retrieve(event.id)) {
    if (current.pending_webhooks === 0) {
      console.log('webhook answer:  accepted (2xx)');
      return 0;
    }
    if (Date.now() > deadline) break;
    await sleep(250);
  }
  console.error(
    `webhook answer:  not accepted yet; the stand-in retries it with backoff (resend now: npm run local -- stripe-resend ${event.id})`,
  );
  return 1;
};

const run = async (argv: readonly string[]): Promise<number> => {
  let args: StripePayArgs;
  let config: StripePayConfig;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(usage);
      return 0;
    }
    args = parseStripePayArgs(argv);
    config = resolveStripePayConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`stripe:pay: ${error.message}\n${usage}`);
    return 2;
  }
  const stripe = new Stripe(config.secretKey, { ...(config.stripeApi ?? {}), maxNetworkRetries: 2 });
  console.log(`Stripe API:      ${config.sources.stripeApi}`);

  const intents = await findIntent(stripe, args.orderId, config.stripeApi ? 0 : 30_000);
  const intent = intents.find((candidate) => candidate.status === 'requires_payment_method' || candidate.status === 'requires_confirmation');
  if (!intent) {
    console.error(
      intents.length === 0
        ? `no PaymentIntent has metadata orderId=${args.orderId}`
        : `no PaymentIntent of order ${args.orderId} awaits payment: ${intents.map(describe).join(', ')}`,
    );
    return 1;
  }
  console.log(`PaymentIntent:   ${describe(intent)}`);

  const paymentMethod = args.decline ? 'pm_card_chargeDeclined' : 'pm_card_visa';
  // Stripe refuses to confirm without return_url when automatic payment methods allow redirects;
  // the test cards used here never redirect, so the URL is never visited.
  const apm = intent.automatic_payment_methods;
  const needsReturnUrl = apm?.enabled === true && apm.allow_redirects !== 'never';
  let paid: Stripe.PaymentIntent;
  // The API request the event is about, as Stripe records it in `event.request`.
  let request: { id: string | null; idempotency_key: string | null };
  try {
    const confirmed = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: paymentMethod,
      ...(needsReturnUrl ? { return_url: 'https://example.com/stripe-pay/return' } : {}),
    });
    request = { id: confirmed.lastResponse.requestId ?? null, idempotency_key: confirmed.lastResponse.idempotencyKey ?? null };
    paid = confirmed;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError)) {
      console.error(`confirming ${intent.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    console.log(`confirmed with ${paymentMethod}: declined (${error.code ?? ''}${error.decline_code ? `/${error.decline_code}` : ''}: ${error.message})`);
    const key = error.headers?.['idempotency-key'];
    request = { id: error.requestId ?? null, idempotency_key: typeof key === 'string' ? key : null };
    paid = await stripe.paymentIntents.retrieve(intent.id);
  }
  if (!args.decline) console.log(`confirmed with ${paymentMethod}: ${paid.status}`);
  const type = paid.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed';
  if (config.delivery === 'stand-in') return awaitStandInDelivery(stripe, paid.id, type, config.webhookUrl);
  if (!config.webhookSecret) throw new ConfigError('no webhook secret to sign with');

  const event = {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object: paid },
    livemode: false,
    pending_webhooks: 1,
    request,
    type,
  };
  const payload = JSON.stringify(event, null, 2);
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: config.webhookSecret });
  console.log(`webhook:         ${type} ${event.id} -> POST ${config.webhookUrl}`);
  let response: Response;
  try {
    response = await fetch(config.webhookUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Stripe-Signature': signature,
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      },
      body: payload,
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    console.error(`webhook delivery failed: ${cause} (is the backend running at ${config.webhookUrl}?)`);
    return 1;
  }
  const body = await response.text();
  console.log(`webhook answer:  HTTP ${response.status}${body ? ` ${body.length > 500 ? `${body.slice(0, 500)}…` : body}` : ''}`);
  return response.ok ? 0 : 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`stripe:pay failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
