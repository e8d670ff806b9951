/**
 * `npm run stripe:pay -- <orderId> [--decline]`: pays (or fails to pay) an order's
 * PaymentIntent the way a customer would, then delivers the webhook Stripe would send.
 *
 *   1. finds the order's PaymentIntent: search `metadata['orderId']:'<orderId>'`
 *   2. confirms it with the test card pm_card_visa (pm_card_chargeDeclined with --decline)
 *   3. signs a `payment_intent.succeeded` / `payment_intent.payment_failed` event with the
 *      webhook secret and POSTs it to <API_URL>/v1/webhooks/stripe
 *
 * Uses the real Stripe SDK. Configuration (see resolveStripePayConfig):
 *   STRIPE_SECRET_KEY      default: stripeSecretKey in $DATA_DIR/local-secrets.json (the stand-in's key)
 *   STRIPE_WEBHOOK_SECRET  default: stripeWebhookSecret in $DATA_DIR/local-secrets.json
 *   STRIPE_API_BASE        e.g. http://127.0.0.1:4010; default: the stand-in `npm start` runs
 *                          ($DATA_DIR/stripe-standin.json) when the key is the stand-in's, else real Stripe
 *   API_URL                default http://127.0.0.1:$PORT (PORT default 3000)
 *   DATA_DIR               default .data
 * Exit status: 0 when the webhook was accepted (2xx), 1 otherwise, 2 on usage or configuration errors.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Stripe from 'stripe';

export const usage = 'usage: npm run stripe:pay -- <orderId> [--decline]';

/** Where the Stripe SDK should send requests; absent means api.stripe.com. */
export interface StripeEndpoint {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http' | 'https';
}

export interface StripePayConfig {
  readonly secretKey: string;
  readonly webhookSecret: string;
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

/**
 * Settings from the environment, falling back to what `npm start` keeps in DATA_DIR:
 * `local-secrets.json` ({ stripeSecretKey, stripeWebhookSecret }) and `stripe-standin.json`
 * ({ url }). A key from the environment talks to real Stripe unless STRIPE_API_BASE says
 * otherwise; a key from local-secrets.json is the stand-in's, so it talks to the stand-in.
 */
export const resolveStripePayConfig = (env: Readonly<Record<string, string | undefined>> = process.env): StripePayConfig => {
  const dataSetting = env.DATA_DIR ?? '.data';
  const dataDir = dataSetting === 'memory' ? undefined : resolve(dataSetting);
  const secretsFile = dataDir ? join(dataDir, 'local-secrets.json') : undefined;
  const standInFile = dataDir ? join(dataDir, 'stripe-standin.json') : undefined;
  const secrets = secretsFile ? readJson(secretsFile) : undefined;
  const where = secretsFile ?? 'DATA_DIR (memory: nothing is kept on disk)';

  const envKey = text(env.STRIPE_SECRET_KEY);
  const secretKey = envKey ?? text(secrets?.stripeSecretKey);
  if (!secretKey) throw new ConfigError(`set STRIPE_SECRET_KEY (no stripeSecretKey found in ${where})`);
  const envWebhookSecret = text(env.STRIPE_WEBHOOK_SECRET);
  const webhookSecret = envWebhookSecret ?? text(secrets?.stripeWebhookSecret);
  if (!webhookSecret) throw new ConfigError(`set STRIPE_WEBHOOK_SECRET (no stripeWebhookSecret found in ${where})`);

  let stripeApi: StripeEndpoint | undefined;
  let apiSource: string;
  const base = text(env.STRIPE_API_BASE);
  if (base) {
    stripeApi = parseStripeApiBase(base);
    apiSource = `STRIPE_API_BASE (${base})`;
  } else if (envKey) {
    stripeApi = undefined;
    apiSource = 'api.stripe.com (STRIPE_SECRET_KEY is set, STRIPE_API_BASE is not)';
  } else {
    const url = text(standInFile ? readJson(standInFile)?.url : undefined);
    if (!url) {
      throw new ConfigError(
        `the Stripe stand-in's address is unknown: no ${standInFile ?? 'stripe-standin.json (DATA_DIR=memory)'} — is \`npm start\` running? ` +
          'Set STRIPE_API_BASE to the stand-in URL, or STRIPE_SECRET_KEY for real Stripe test mode.',
      );
    }
    stripeApi = parseStripeApiBase(url);
    apiSource = `the local stand-in at ${url} (from ${standInFile ?? ''})`;
  }

  const apiUrl = (text(env.API_URL) ?? `http://127.0.0.1:${text(env.PORT) ?? '3000'}`).replace(/\/+$/, '');
  return {
    secretKey,
    webhookSecret,
    stripeApi,
    webhookUrl: `${apiUrl}/v1/webhooks/stripe`,
    sources: {
      secretKey: envKey ? 'STRIPE_SECRET_KEY' : (secretsFile ?? ''),
      webhookSecret: envWebhookSecret ? 'STRIPE_WEBHOOK_SECRET' : (secretsFile ?? ''),
      stripeApi: apiSource,
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
