/**
 * An offline stand-in for the Stripe API (v1), for the local runtime and tests: the real
 * `stripe` SDK talks to it over HTTP on loopback
 * (`new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })`).
 *
 * It covers what the backend uses — PaymentIntents (create, retrieve, update, list, search,
 * confirm, capture, cancel), refunds and charges (read) — with Stripe's request encoding
 * (form-urlencoded, bracket notation), object shapes, error bodies and status codes,
 * idempotency semantics and test PaymentMethods (`pm_card_visa`, `pm_card_chargeDeclined`…).
 * It is strict where Stripe is strict, so code that works here works in Stripe test mode:
 * unknown parameters are refused (parameter_unknown) and parameters Stripe knows but this
 * stand-in does not model are refused with a message saying so, instead of being ignored.
 *
 * State is per API key (each key behaves as its own Stripe account), in memory, and with a
 * state file also on disk (written after every POST), so a restart keeps every PaymentIntent.
 *
 * Events and webhooks, as Stripe sends them: a payment that succeeds or is declined, and a
 * refund, create an Event (`payment_intent.succeeded`, `payment_intent.payment_failed`,
 * `charge.refunded`; readable at `GET /v1/events[/{id}]`). Once a webhook endpoint is set,
 * each event is POSTed to it signed (`Stripe-Signature`) and retried with backoff until it
 * answers 2xx (for up to 3 days, as Stripe does); pending deliveries are part of the state
 * file, so they survive a restart. `POST /v1/events/{id}/retry` resends an event (what
 * `stripe events resend` does; `npm run local -- stripe-resend evt_…`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';

export interface StripeStandInOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Where the state (objects, events, pending webhook deliveries) is kept between restarts; omit for memory only. */
  readonly stateFile?: string;
  /** First webhook retry delay; doubles per attempt up to `webhookMaxDelayMs`. */
  readonly webhookRetryBaseMs?: number;
  readonly webhookMaxDelayMs?: number;
}

/** The endpoint events are delivered to, and the secret they are signed with (`whsec_…`). */
export interface WebhookEndpoint {
  readonly url: string;
  readonly secret: string;
}

export interface StripeStandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** HTTP requests received so far (all of them: errors, idempotent replays and injected faults included). */
  readonly requests: number;
  /**
   * Fault injection: the next `n` requests answer `status` (default 500, `api_error`) before
   * reaching the idempotency layer, like a failure at Stripe's edge: nothing is created and
   * nothing is saved under the idempotency key, so the SDK's retries (same key) go through.
   */
  failNext(n: number, status?: number): void;
  /** Starts (or redirects) webhook deliveries; events created before are delivered too. */
  setWebhookEndpoint(endpoint: WebhookEndpoint): void;
  /** Webhook deliveries not yet answered with 2xx, over every account. */
  pendingWebhooks(): number;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Form decoding (what the SDK's stringifier produces: `a[b][c]=v`, arrays as `a[0]=v`; `a[]=v` too)

type Param = string | Param[] | ParamMap;
interface ParamMap {
  [key: string]: Param;
}

const newMap = (): ParamMap => Object.create(null) as ParamMap;

const isMap = (value: Param | undefined): value is ParamMap => typeof value === 'object' && !Array.isArray(value);

const decodeComponent = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest(`Invalid request: the request body or query string is not valid URL encoding (${text.slice(0, 40)}).`);
  }
};

const keyPath = (key: string): string[] => {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) throw invalidRequest(`Invalid request: malformed parameter name '${key}'.`);
  const path = [match[1]];
  for (const segment of (match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)) path.push(segment[1] ?? '');
  return path;
};

const conflict = (key: string): ApiError => invalidRequest(`Invalid request: parameter '${key}' is given both as a value and as a hash or array.`);

/** Decodes `application/x-www-form-urlencoded` with bracket notation into nested maps and arrays. */
const decodeForm = (text: string): ParamMap => {
  const root = newMap();
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq < 0 ? '' : pair.slice(eq + 1));
    const path = keyPath(key);
    let container: ParamMap | Param[] = root;
    for (let i = 0; i < path.length; i += 1) {
      const segment = path[i] ?? '';
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (Array.isArray(container)) {
        // Only `[]` reaches an array: append, or continue the last element for `a[][b]=…`.
        if (last) {
          container.push(value);
          break;
        }
        const tail: Param | undefined = container[container.length - 1];
        if (next !== undefined && next !== '' && isMap(tail) && !(next in tail)) container = tail;
        else {
          const created: ParamMap | Param[] = next === '' ? [] : newMap();
          container.push(created);
          container = created;
        }
        continue;
      }
      if (last) {
        const existing = container[segment];
        if (existing !== undefined && typeof existing !== 'string') throw conflict(key);
        container[segment] = value;
        break;
      }
      const existing: Param | undefined = container[segment];
      if (existing === undefined) {
        const created: ParamMap | Param[] = next === '' ? [] : newMap();
        container[segment] = created;
        container = created;
      } else if (typeof existing === 'string' || (next === '') !== Array.isArray(existing)) throw conflict(key);
      else container = existing;
    }
  }
  return root;
};

const canonical = (value: Param): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key] ?? '')}`)
    .join(',')}}`;
};

// ---------------------------------------------------------------------------------------------
// Errors, as Stripe sends them

interface ErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: PaymentIntent;
  payment_method?: PaymentMethod;
}

/**
 * `saved`: whether Stripe's idempotency layer keeps the response. Stripe saves a result once
 * the endpoint started executing (success, declines, state errors), not when the request
 * failed parameter validation.
 */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly saved: boolean,
  ) {
    super(body.message);
  }
}

const docUrl = (code: string): string => `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`;

/** A parameter validation error (400, not saved under the idempotency key). */
const invalidRequest = (message: string, param?: string, code?: string): ApiError =>
  new ApiError(
    400,
    { type: 'invalid_request_error', message, ...(code ? { code, doc_url: docUrl(code) } : {}), ...(param ? { param } : {}) },
    false,
  );

/** An error raised by the endpoint's logic (saved under the idempotency key, as on Stripe). */
const stateError = (status: number, code: string, message: string, extra: Partial<ErrorBody> = {}): ApiError =>
  new ApiError(status, { type: 'invalid_request_error', code, doc_url: docUrl(code), message, ...extra }, true);

const noSuch = (kind: string, id: string, param: string): ApiError =>
  new ApiError(
    404,
    { type: 'invalid_request_error', code: 'resource_missing', doc_url: docUrl('resource_missing'), message: `No such ${kind}: '${id}'`, param },
    false,
  );

// ---------------------------------------------------------------------------------------------
// Parameter validation

interface Allowed {
  /** Parameters this stand-in implements. */
  readonly modelled: readonly string[];
  /** Parameters Stripe accepts that are ignored here because they cannot change the outcome offline. */
  readonly ignored?: readonly string[];
  /** Parameters Stripe accepts that this stand-in does not implement: refused, so nobody relies on them silently. */
  readonly unsupported?: readonly string[];
}

const checkAllowed = (params: ParamMap, allowed: Allowed): void => {
  for (const name of Object.keys(params)) {
    if (allowed.modelled.includes(name) || allowed.ignored?.includes(name)) continue;
    if (allowed.unsupported?.includes(name)) {
      throw invalidRequest(
        `The offline Stripe stand-in does not implement the parameter '${name}' (Stripe does). Extend lib/local/stripe-standin.ts or test this against Stripe test mode.`,
        name,
      );
    }
    throw invalidRequest(`Received unknown parameter: ${name}`, name, 'parameter_unknown');
  }
};

const checkNested = (value: ParamMap, param: string, known: readonly string[]): void => {
  for (const name of Object.keys(value)) {
    if (!known.includes(name)) throw invalidRequest(`Received unknown parameter: ${param}[${name}]`, `${param}[${name}]`, 'parameter_unknown');
  }
};

const emptyNotAllowed = (param: string): ApiError =>
  invalidRequest(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
    'parameter_invalid_empty',
  );

const stringParam = (value: Param | undefined, param: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, param);
  return value;
};

/** A string that cannot be empty; `undefined` when absent. */
const requiredString = (value: Param | undefined, param: string): string | undefined => {
  const text = stringParam(value, param);
  if (text === '') throw emptyNotAllowed(param);
  return text;
};

/** A string that may be unset with ''; returns null for ''. */
const nullableString = (value: Param | undefined, param: string, max = 5000): string | null | undefined => {
  const text = stringParam(value, param);
  if (text !== undefined && text.length > max) throw invalidRequest(`Invalid ${param}: must be at most ${max} characters`, param);
  return text === '' ? null : text;
};

const integerParam = (value: Param | undefined, param: string, min: number): number | undefined => {
  const text = requiredString(value, param);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw invalidRequest(`Invalid integer: ${text}`, param, 'parameter_invalid_integer');
  }
  const number = Number(text);
  if (number < min) throw invalidRequest(`This value must be greater than or equal to ${min}.`, param, 'parameter_invalid_integer');
  return number;
};

const booleanParam = (value: Param | undefined, param: string): boolean | undefined => {
  const text = requiredString(value, param);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalidRequest(`Invalid boolean: ${text}`, param);
  return text === 'true';
};

const oxford = (values: readonly string[]): string =>
  values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1] ?? ''}`;

const enumParam = <T extends string>(value: Param | undefined, param: string, values: readonly T[]): T | undefined => {
  const text = requiredString(value, param);
  if (text === undefined) return undefined;
  if (!(values as readonly string[]).includes(text)) throw invalidRequest(`Invalid ${param}: must be one of ${oxford(values)}`, param);
  return text as T;
};

/** Arrays arrive as `a[0]=x&a[1]=y` (the SDK), `a[]=x` or, from other clients, `a[0]` maps. */
const arrayParam = (value: Param | undefined, param: string): string[] | undefined => {
  if (value === undefined) return undefined;
  let items: Param[];
  if (Array.isArray(value)) items = value;
  else if (isMap(value) && Object.keys(value).every((key) => /^\d+$/.test(key))) {
    items = Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => value[key] ?? '');
  } else if (value === '') items = [];
  else throw invalidRequest(`Invalid array`, param);
  return items.map((item, index) => {
    if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(item)}`, `${param}[${index}]`);
    return item;
  });
};

/** Metadata as given ('' values mean "remove this key"); 'clear' for `metadata=` (remove all). */
const metadataParam = (value: Param | undefined): Record<string, string> | 'clear' | undefined => {
  if (value === undefined) return undefined;
  if (value === '') return 'clear';
  if (!isMap(value)) throw invalidRequest('Invalid hash', 'metadata');
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalidRequest('You can have a maximum of 50 metadata keys.', 'metadata');
  const result: Record<string, string> = {};
  for (const [key, item] of entries) {
    const param = `metadata[${key}]`;
    if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(item)}`, param);
    if (key.length > 40) throw invalidRequest('Metadata keys can have a maximum length of 40 characters.', param);
    if (item.length > 500) throw invalidRequest('Metadata values can have a maximum length of 500 characters.', param);
    Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return result;
};

const applyMetadata = (current: Record<string, string>, update: Record<string, string> | 'clear' | undefined): Record<string, string> => {
  if (update === undefined) return current;
  if (update === 'clear') return {};
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === '') delete next[key];
    else Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return next;
};

// ---------------------------------------------------------------------------------------------
// Currencies

const currencies = new Set(
  (
    'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp cny cop crc cve ' +
    'czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw ' +
    'kwd kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr ' +
    'pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst ' +
    'xaf xcd xof xpf yer zar zmw'
  ).split(' '),
);
const zeroDecimal = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));
/** Stripe's minimum charge amounts (smallest unit) where the currency is a settlement currency. */
const minimumAmount: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50, gbp: 30, hkd: 400, huf: 17500,
  inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
};

const formatAmount = (amount: number, currency: string): string => {
  const major = zeroDecimal.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return currency === 'usd' ? `$${major}` : `${major} ${currency}`;
};

const currencyParam = (value: Param | undefined): string | undefined => {
  const text = requiredString(value, 'currency');
  if (text === undefined) return undefined;
  const currency = text.toLowerCase();
  if (!currencies.has(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...currencies].join(', ')}`, 'currency');
  }
  return currency;
};

const checkAmount = (amount: number, currency: string, param = 'amount'): void => {
  const minimum = minimumAmount[currency];
  if (minimum !== undefined && amount < minimum) {
    throw invalidRequest(`Amount must be at least ${formatAmount(minimum, currency)}`, param, 'amount_too_small');
  }
  if (amount > 99_999_999) throw invalidRequest(`Amount must be no more than ${formatAmount(99_999_999, currency)}`, param, 'amount_too_large');
};

// ---------------------------------------------------------------------------------------------
// Objects

type IntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_capture' | 'succeeded' | 'canceled';
type CaptureMethod = 'automatic' | 'automatic_async' | 'manual';

interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string;
  funding: string;
}

interface PaymentMethod {
  id: string;
  object: 'payment_method';
  billing_details: { address: null; email: null; name: null; phone: null };
  card: CardDetails;
  created: number;
  customer: null;
  livemode: false;
  metadata: Record<string, string>;
  type: 'card';
}

interface LastPaymentError {
  charge: string;
  code: string;
  decline_code?: string;
  doc_url: string;
  message: string;
  payment_method: PaymentMethod;
  type: 'card_error';
}

interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  allowed_payment_method_types: string[] | null;
  amount: number;
  amount_capturable: number;
  amount_details: { tip: Record<string, never> };
  amount_received: number;
  application: null;
  application_fee_amount: null;
  automatic_payment_methods: { allow_redirects: 'always' | 'never'; enabled: boolean } | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: CaptureMethod;
  client_secret: string;
  confirmation_method: 'automatic';
  created: number;
  currency: string;
  customer: null;
  description: string | null;
  excluded_payment_method_types: string[] | null;
  last_payment_error: LastPaymentError | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  next_action: null;
  on_behalf_of: null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: Record<string, never>;
  payment_method_types: string[];
  processing: null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: null;
  shipping: null;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: IntentStatus;
  transfer_data: null;
  transfer_group: string | null;
}

interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string | null;
  billing_details: PaymentMethod['billing_details'];
  captured: boolean;
  created: number;
  currency: string;
  customer: null;
  description: string | null;
  disputed: false;
  failure_code: string | null;
  failure_message: string | null;
  livemode: false;
  metadata: Record<string, string>;
  outcome: { network_status: string; reason: string | null; risk_level: 'normal'; seller_message: string; type: string };
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  payment_method_details: { card: CardDetails; type: 'card' };
  receipt_url: null;
  refunded: boolean;
  status: 'succeeded' | 'failed';
}

interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  destination_details: { card: { reference_status: 'pending'; reference_type: 'acquirer_reference_number'; type: 'refund' }; type: 'card' };
  metadata: Record<string, string>;
  payment_intent: string;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: 'succeeded';
  transfer_reversal: null;
}

interface SavedResponse {
  readonly endpoint: string;
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
  readonly at: number;
}

interface Account {
  readonly intents: Map<string, PaymentIntent>;
  readonly charges: Map<string, Charge>;
  readonly refunds: Map<string, Refund>;
  /** Payment methods made from test tokens, with the card behaviour they were made from. */
  readonly paymentMethods: Map<string, { readonly method: PaymentMethod; readonly card: TestCard }>;
  readonly idempotency: Map<string, SavedResponse>;
  readonly events: Map<string, StripeEvent>;
  /** Webhook deliveries still to make (oldest first). */
  readonly deliveries: WebhookDelivery[];
}

interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string | null;
  created: number;
  data: { object: unknown };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

interface WebhookDelivery {
  readonly eventId: string;
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  readonly firstAttemptAt: number;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const token = (length: number): string => {
  let text = '';
  for (const byte of randomBytes(length)) text += ALPHABET.charAt(byte % ALPHABET.length);
  return text;
};
const newId = (prefix: string): string => `${prefix}_${token(24)}`;
const now = (): number => Math.floor(Date.now() / 1000);

// Test PaymentMethods (https://docs.stripe.com/testing#cards and #declined-payments).
interface TestCard {
  readonly brand: string;
  readonly last4: string;
  readonly funding?: string;
  readonly decline?: { readonly code: string; readonly decline_code: string; readonly message: string };
}
const declined = (decline_code: string, message = 'Your card was declined.', code = 'card_declined') => ({ code, decline_code, message });
const testCards: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '8431' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', decline: declined('generic_decline') },
  pm_card_visa_chargeDeclined: { brand: 'visa', last4: '0002', decline: declined('generic_decline') },
  pm_card_chargeDeclinedInsufficientFunds: { brand: 'visa', last4: '9995', decline: declined('insufficient_funds', 'Your card has insufficient funds.') },
  pm_card_visa_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedLostCard: { brand: 'visa', last4: '9987', decline: declined('lost_card') },
  pm_card_visa_chargeDeclinedLostCard: { brand: 'visa', last4: '9987', decline: declined('lost_card') },
  pm_card_chargeDeclinedStolenCard: { brand: 'visa', last4: '9979', decline: declined('stolen_card') },
  pm_card_visa_chargeDeclinedStolenCard: { brand: 'visa', last4: '9979', decline: declined('stolen_card') },
  pm_card_chargeDeclinedFraudulent: { brand: 'visa', last4: '0019', decline: declined('fraudulent') },
  pm_card_chargeDeclinedExpiredCard: { brand: 'visa', last4: '0069', decline: declined('expired_card', 'Your card has expired.', 'expired_card') },
  pm_card_chargeDeclinedIncorrectCvc: {
    brand: 'visa',
    last4: '0127',
    decline: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'),
  },
  pm_card_chargeDeclinedProcessingError: {
    brand: 'visa',
    last4: '0119',
    decline: declined('processing_error', 'An error occurred while processing your card. Try again in a little bit.', 'processing_error'),
  },
};

const redirectRequiresReturnUrl =
  'A `return_url` must be specified because this Payment Intent is configured to automatically accept the payment methods enabled in the Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.';

// ---------------------------------------------------------------------------------------------
// Expansion and lists

type Expandable = 'payment_intent' | 'charge' | 'refund';
const expandableFields: Readonly<Record<Expandable, readonly string[]>> = {
  payment_intent: ['latest_charge', 'payment_method'],
  charge: ['payment_intent', 'payment_method'],
  refund: ['charge', 'payment_intent'],
};

const expandParam = (params: ParamMap, kind: Expandable, list: boolean): string[] => {
  const paths = arrayParam(params.expand, 'expand') ?? [];
  return paths.map((path, index) => {
    const field = list ? (path.startsWith('data.') ? path.slice(5) : undefined) : path;
    if (list && path === 'total_count') return path;
    if (field === undefined || !expandableFields[kind].includes(field)) {
      throw invalidRequest(`This property cannot be expanded (${path}).`, `expand[${index}]`);
    }
    return field;
  });
};

const expand = (account: Account, object: PaymentIntent | Charge | Refund, fields: readonly string[]): unknown => {
  if (fields.length === 0) return object;
  const copy: Record<string, unknown> = { ...object };
  for (const field of fields) {
    const id = copy[field];
    if (typeof id !== 'string') continue;
    copy[field] =
      account.intents.get(id) ?? account.charges.get(id) ?? account.refunds.get(id) ?? account.paymentMethods.get(id)?.method ?? id;
  }
  return copy;
};

const listPage = <T extends { id: string }>(
  items: readonly T[],
  params: ParamMap,
  kind: string,
): { page: T[]; hasMore: boolean } => {
  const limit = integerParam(params.limit, 'limit', 1) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'limit', 'parameter_invalid_integer');
  const startingAfter = requiredString(params.starting_after, 'starting_after');
  const endingBefore = requiredString(params.ending_before, 'ending_before');
  const newestFirst = [...items].reverse();
  if (startingAfter !== undefined) {
    const at = newestFirst.findIndex((item) => item.id === startingAfter);
    if (at < 0) throw noSuch(kind, startingAfter, 'starting_after');
    const rest = newestFirst.slice(at + 1);
    return { page: rest.slice(0, limit), hasMore: rest.length > limit };
  }
  if (endingBefore !== undefined) {
    const at = newestFirst.findIndex((item) => item.id === endingBefore);
    if (at < 0) throw noSuch(kind, endingBefore, 'ending_before');
    const before = newestFirst.slice(0, at);
    return { page: before.slice(Math.max(0, before.length - limit)), hasMore: before.length > limit };
  }
  return { page: newestFirst.slice(0, limit), hasMore: newestFirst.length > limit };
};

// ---------------------------------------------------------------------------------------------
// Search (the subset of Stripe's search query language that PaymentIntents need)

interface Clause {
  readonly negated: boolean;
  readonly field: string;
  readonly metadataKey?: string;
  readonly operator: ':' | '>' | '<' | '>=' | '<=';
  readonly value: string;
}

const searchFields = ['amount', 'created', 'currency', 'status', 'metadata'];

const parseQuery = (query: string): { clauses: Clause[]; joiner: 'AND' | 'OR' } => {
  const clausePattern =
    /^\s*(-?)(?:metadata\[(?:'([^']*)'|"([^"]*)")\]|([a-z_]+))\s*(>=|<=|:|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+))\s*/;
  const clauses: Clause[] = [];
  let joiner: 'AND' | 'OR' | undefined;
  let rest = query;
  const bad = (why: string) =>
    invalidRequest(
      `The search query is invalid (${why}): ${query}. The Stripe stand-in supports clauses like metadata['key']:'value', status:'succeeded', amount>1000, joined by AND or by OR.`,
      'query',
    );
  for (;;) {
    const match = clausePattern.exec(rest);
    if (!match) throw bad(`cannot parse at '${rest.trim().slice(0, 40)}'`);
    const metadataKey = match[2] ?? match[3];
    const field = metadataKey !== undefined ? 'metadata' : (match[4] ?? '');
    if (!searchFields.includes(field) || (field === 'metadata' && metadataKey === undefined)) throw bad(`unsupported field '${field}'`);
    const operator = (match[5] ?? ':') as Clause['operator'];
    const numeric = field === 'amount' || field === 'created';
    if (operator !== ':' && !numeric) throw bad(`'${operator}' applies to amount and created only`);
    const value = match[6] ?? match[7] ?? match[8] ?? '';
    if (numeric && !/^-?\d+$/.test(value)) throw bad(`${field} needs a number`);
    clauses.push({ negated: match[1] === '-', field, ...(metadataKey !== undefined ? { metadataKey } : {}), operator, value });
    rest = rest.slice(match[0].length);
    if (rest.trim() === '') break;
    const join = /^(AND|OR)\s+/.exec(rest);
    if (!join) throw bad(`expected AND or OR at '${rest.trim().slice(0, 40)}'`);
    const word = join[1] === 'OR' ? 'OR' : 'AND';
    if (joiner && joiner !== word) throw bad('AND and OR cannot be combined in one query');
    joiner = word;
    rest = rest.slice(join[0].length);
  }
  if (clauses.length > 10) throw bad('at most 10 clauses');
  return { clauses, joiner: joiner ?? 'AND' };
};

const matchesClause = (intent: PaymentIntent, clause: Clause): boolean => {
  let result: boolean;
  if (clause.field === 'metadata') result = Object.hasOwn(intent.metadata, clause.metadataKey ?? '') && intent.metadata[clause.metadataKey ?? ''] === clause.value;
  else if (clause.field === 'amount' || clause.field === 'created') {
    const actual = clause.field === 'amount' ? intent.amount : intent.created;
    const wanted = Number(clause.value);
    result =
      clause.operator === ':' ? actual === wanted
      : clause.operator === '>' ? actual > wanted
      : clause.operator === '<' ? actual < wanted
      : clause.operator === '>=' ? actual >= wanted
      : actual <= wanted;
  } else if (clause.field === 'currency') result = intent.currency === clause.value.toLowerCase();
  else result = intent.status === clause.value;
  return clause.negated ? !result : result;
};

// ---------------------------------------------------------------------------------------------
// Endpoints

interface Context {
  readonly account: Account;
  readonly params: ParamMap;
  readonly path: string;
  readonly id: string;
}

type Handler = (context: Context) => unknown;

const intentOf = (account: Account, id: string): PaymentIntent => {
  const intent = account.intents.get(id);
  if (!intent) throw noSuch('payment_intent', id, 'intent');
  return intent;
};

/** Attaches a payment method given as a test token (`pm_card_visa`) or id. */
const resolvePaymentMethod = (account: Account, reference: string): { method: PaymentMethod; card: TestCard } => {
  if (!reference.startsWith('pm_')) throw noSuch('PaymentMethod', reference, 'payment_method');
  const existing = account.paymentMethods.get(reference);
  if (existing) return existing;
  // A test token makes a new PaymentMethod each time, as on Stripe; other pm_ ids act as a working Visa.
  const card = testCards[reference] ?? { brand: 'visa', last4: '4242' };
  const method: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    billing_details: { address: null, email: null, name: null, phone: null },
    card: {
      brand: card.brand,
      last4: card.last4,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      country: 'US',
      funding: card.funding ?? 'credit',
    },
    created: now(),
    customer: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  const made = { method, card };
  account.paymentMethods.set(method.id, made);
  return made;
};

const unexpectedState = (intent: PaymentIntent, message: string): ApiError =>
  stateError(400, 'payment_intent_unexpected_state', message, { payment_intent: structuredClone(intent) });

const confirmable: readonly IntentStatus[] = ['requires_payment_method', 'requires_confirmation'];

interface ConfirmInput {
  readonly paymentMethod?: string;
  readonly returnUrl?: string;
  readonly captureMethod?: CaptureMethod;
}

/** What Stripe checks before attempting a payment. */
const checkConfirmable = (intent: PaymentIntent, input: ConfirmInput): string => {
  if (!confirmable.includes(intent.status)) {
    throw unexpectedState(
      intent,
      `You cannot confirm this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.`,
    );
  }
  const reference = input.paymentMethod ?? intent.payment_method;
  if (!reference) {
    throw unexpectedState(
      intent,
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }
  const apm = intent.automatic_payment_methods;
  if (apm?.enabled && apm.allow_redirects !== 'never' && input.returnUrl === undefined) {
    throw invalidRequest(redirectRequiresReturnUrl, 'return_url');
  }
  if (intent.allowed_payment_method_types && !intent.allowed_payment_method_types.includes('card')) {
    throw stateError(
      400,
      'payment_intent_incompatible_payment_method',
      `The PaymentMethod provided (card) is not allowed for this PaymentIntent. Allowed types: ${intent.allowed_payment_method_types.join(', ')}.`,
      { param: 'payment_method', payment_intent: structuredClone(intent) },
    );
  }
  return reference;
};

const confirmIntent = (account: Account, intent: PaymentIntent, input: ConfirmInput): void => {
  const { method, card } = resolvePaymentMethod(account, checkConfirmable(intent, input));
  if (input.captureMethod) intent.capture_method = input.captureMethod;
  const manual = intent.capture_method === 'manual';
  const decline = card.decline;
  const charge: Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: decline || manual ? 0 : intent.amount,
    amount_refunded: 0,
    balance_transaction: decline || manual ? null : newId('txn'),
    billing_details: method.billing_details,
    captured: !decline && !manual,
    created: now(),
    currency: intent.currency,
    customer: null,
    description: intent.description,
    disputed: false,
    failure_code: decline ? decline.code : null,
    failure_message: decline ? decline.message : null,
    livemode: false,
    metadata: { ...intent.metadata },
    outcome: decline
      ? {
          network_status: 'declined_by_network',
          reason: decline.decline_code,
          risk_level: 'normal',
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        }
      : { network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
    paid: !decline,
    payment_intent: intent.id,
    payment_method: method.id,
    payment_method_details: { card: method.card, type: 'card' },
    receipt_url: null,
    refunded: false,
    status: decline ? 'failed' : 'succeeded',
  };
  account.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  if (decline) {
    const lastPaymentError: LastPaymentError = {
      charge: charge.id,
      code: decline.code,
      ...(decline.code === 'card_declined' ? { decline_code: decline.decline_code } : {}),
      doc_url: docUrl(decline.code),
      message: decline.message,
      payment_method: method,
      type: 'card_error',
    };
    intent.status = 'requires_payment_method';
    intent.payment_method = null;
    intent.last_payment_error = lastPaymentError;
    throw new ApiError(
      402,
      {
        type: 'card_error',
        code: decline.code,
        ...(decline.code === 'card_declined' ? { decline_code: decline.decline_code } : {}),
        doc_url: docUrl(decline.code),
        message: decline.message,
        charge: charge.id,
        payment_intent: structuredClone(intent),
        payment_method: method,
      },
      true,
    );
  }
  intent.payment_method = method.id;
  intent.last_payment_error = null;
  if (manual) {
    intent.status = 'requires_capture';
    intent.amount_capturable = intent.amount;
  } else {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
  }
};

const returnUrlParam = (value: Param | undefined): string | undefined => {
  const url = requiredString(value, 'return_url');
  if (url !== undefined && !URL.canParse(url)) throw invalidRequest('Not a valid URL', 'return_url', 'url_invalid');
  return url;
};

const captureMethods: readonly CaptureMethod[] = ['automatic', 'automatic_async', 'manual'];

const createIntent: Handler = ({ account, params }) => {
  checkAllowed(params, {
    modelled: [
      'amount', 'currency', 'metadata', 'description', 'automatic_payment_methods', 'allowed_payment_method_types', 'excluded_payment_method_types',
      'capture_method', 'confirm', 'payment_method', 'return_url', 'receipt_email', 'statement_descriptor', 'statement_descriptor_suffix',
      'transfer_group', 'expand',
    ],
    ignored: ['error_on_requires_action', 'off_session', 'radar_options', 'use_stripe_sdk', 'confirmation_method'],
    unsupported: [
      'amount_details', 'application_fee_amount', 'confirmation_token', 'customer', 'customer_account', 'hooks', 'mandate', 'mandate_data',
      'on_behalf_of', 'payment_details', 'payment_method_configuration', 'payment_method_data', 'payment_method_options', 'setup_future_usage',
      'shipping', 'transfer_data',
    ],
  });
  const fields = expandParam(params, 'payment_intent', false);
  const amount = integerParam(params.amount, 'amount', 1);
  if (amount === undefined) throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
  const currency = currencyParam(params.currency);
  if (currency === undefined) throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
  checkAmount(amount, currency);
  const metadata = metadataParam(params.metadata);
  const allowed = arrayParam(params.allowed_payment_method_types, 'allowed_payment_method_types');
  const excluded = arrayParam(params.excluded_payment_method_types, 'excluded_payment_method_types');
  let automatic: PaymentIntent['automatic_payment_methods'] = null;
  if (params.automatic_payment_methods !== undefined) {
    const apm = params.automatic_payment_methods;
    if (!isMap(apm)) throw invalidRequest('Invalid hash', 'automatic_payment_methods');
    checkNested(apm, 'automatic_payment_methods', ['enabled', 'allow_redirects']);
    const enabled = booleanParam(apm.enabled, 'automatic_payment_methods[enabled]');
    if (enabled === undefined) {
      throw invalidRequest('Missing required param: automatic_payment_methods[enabled].', 'automatic_payment_methods[enabled]', 'parameter_missing');
    }
    const allowRedirects = enumParam(apm.allow_redirects, 'automatic_payment_methods[allow_redirects]', ['always', 'never'] as const);
    automatic = { allow_redirects: allowRedirects ?? 'always', enabled };
  } else if (!allowed) {
    // Since API version 2023-08-16 Stripe enables automatic payment methods by default.
    automatic = { allow_redirects: 'always', enabled: true };
  }
  const captureMethod = enumParam(params.capture_method, 'capture_method', captureMethods);
  const confirm = booleanParam(params.confirm, 'confirm') ?? false;
  const paymentMethod = requiredString(params.payment_method, 'payment_method');
  const returnUrl = returnUrlParam(params.return_url);
  if (returnUrl !== undefined && !confirm) {
    throw invalidRequest('You can only pass in return_url when confirm is set to true.', 'return_url');
  }
  const id = newId('pi');
  const intent: PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: allowed ?? null,
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: automatic,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: captureMethod ?? 'automatic_async',
    client_secret: `${id}_secret_${token(25)}`,
    confirmation_method: 'automatic',
    created: now(),
    currency,
    customer: null,
    description: nullableString(params.description, 'description') ?? null,
    excluded_payment_method_types: excluded ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: applyMetadata({}, metadata),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: allowed ?? ['card'],
    processing: null,
    receipt_email: nullableString(params.receipt_email, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: nullableString(params.statement_descriptor, 'statement_descriptor', 22) ?? null,
    statement_descriptor_suffix: nullableString(params.statement_descriptor_suffix, 'statement_descriptor_suffix', 22) ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: nullableString(params.transfer_group, 'transfer_group') ?? null,
  };
  if (paymentMethod !== undefined) {
    // Validates the reference (Stripe refuses unknown payment methods at creation).
    intent.payment_method = resolvePaymentMethod(account, paymentMethod).method.id;
    intent.status = 'requires_confirmation';
  }
  if (confirm) {
    const input = returnUrl !== undefined ? { returnUrl } : {};
    checkConfirmable(intent, input);
    // Like Stripe: once payment is attempted the intent exists, even if declined (the 402 carries it).
    account.intents.set(id, intent);
    confirmIntent(account, intent, input);
  }
  account.intents.set(id, intent);
  return expand(account, intent, fields);
};

const retrieveIntent: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['expand', 'client_secret'] });
  const fields = expandParam(params, 'payment_intent', false);
  const intent = intentOf(account, id);
  const secret = requiredString(params.client_secret, 'client_secret');
  if (secret !== undefined && secret !== intent.client_secret) {
    throw invalidRequest('The client_secret provided does not match the client_secret associated with the PaymentIntent.', 'client_secret');
  }
  return expand(account, intent, fields);
};

const updateIntent: Handler = ({ account, params, id }) => {
  checkAllowed(params, {
    modelled: [
      'amount', 'currency', 'metadata', 'description', 'capture_method', 'payment_method', 'receipt_email', 'statement_descriptor',
      'statement_descriptor_suffix', 'transfer_group', 'expand',
    ],
    unsupported: [
      'allowed_payment_method_types', 'amount_details', 'application_fee_amount', 'customer', 'customer_account', 'excluded_payment_method_types',
      'hooks', 'payment_details', 'payment_method_configuration', 'payment_method_data', 'payment_method_options', 'setup_future_usage',
      'shipping', 'transfer_data',
    ],
  });
  const fields = expandParam(params, 'payment_intent', false);
  const intent = intentOf(account, id);
  const amount = integerParam(params.amount, 'amount', 1);
  const currency = currencyParam(params.currency);
  const captureMethod = enumParam(params.capture_method, 'capture_method', captureMethods);
  const paymentMethod = requiredString(params.payment_method, 'payment_method');
  const metadata = metadataParam(params.metadata);
  const editable = ['requires_payment_method', 'requires_confirmation'];
  for (const [name, given] of [
    ['amount', amount],
    ['currency', currency],
    ['capture_method', captureMethod],
    ['payment_method', paymentMethod],
  ] as const) {
    if (given !== undefined && !editable.includes(intent.status)) {
      throw unexpectedState(
        intent,
        `This PaymentIntent's ${name} could not be updated because it has a status of ${intent.status}. You may only update the ${name} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.`,
      );
    }
  }
  const nextAmount = amount ?? intent.amount;
  const nextCurrency = currency ?? intent.currency;
  if (amount !== undefined || currency !== undefined) checkAmount(nextAmount, nextCurrency);
  const methodId = paymentMethod !== undefined ? resolvePaymentMethod(account, paymentMethod).method.id : undefined;
  intent.amount = nextAmount;
  intent.currency = nextCurrency;
  if (captureMethod) intent.capture_method = captureMethod;
  if (methodId) {
    intent.payment_method = methodId;
    intent.status = 'requires_confirmation';
  }
  intent.metadata = applyMetadata(intent.metadata, metadata);
  const description = nullableString(params.description, 'description');
  if (description !== undefined) intent.description = description;
  const receiptEmail = nullableString(params.receipt_email, 'receipt_email');
  if (receiptEmail !== undefined) intent.receipt_email = receiptEmail;
  const descriptor = nullableString(params.statement_descriptor, 'statement_descriptor', 22);
  if (descriptor !== undefined) intent.statement_descriptor = descriptor;
  const suffix = nullableString(params.statement_descriptor_suffix, 'statement_descriptor_suffix', 22);
  if (suffix !== undefined) intent.statement_descriptor_suffix = suffix;
  const transferGroup = nullableString(params.transfer_group, 'transfer_group');
  if (transferGroup !== undefined) intent.transfer_group = transferGroup;
  return expand(account, intent, fields);
};

const confirmIntentHandler: Handler = ({ account, params, id }) => {
  checkAllowed(params, {
    modelled: ['payment_method', 'return_url', 'capture_method', 'receipt_email', 'expand'],
    ignored: ['error_on_requires_action', 'off_session', 'radar_options', 'use_stripe_sdk'],
    unsupported: [
      'allowed_payment_method_types', 'amount_details', 'amount_to_confirm', 'confirmation_token', 'excluded_payment_method_types', 'hooks',
      'mandate', 'mandate_data', 'payment_details', 'payment_method_data', 'payment_method_options', 'setup_future_usage', 'shipping',
    ],
  });
  const fields = expandParam(params, 'payment_intent', false);
  const paymentMethod = requiredString(params.payment_method, 'payment_method');
  const returnUrl = returnUrlParam(params.return_url);
  const captureMethod = enumParam(params.capture_method, 'capture_method', captureMethods);
  const receiptEmail = nullableString(params.receipt_email, 'receipt_email');
  const intent = intentOf(account, id);
  if (receiptEmail !== undefined && confirmable.includes(intent.status)) intent.receipt_email = receiptEmail;
  confirmIntent(account, intent, {
    ...(paymentMethod !== undefined ? { paymentMethod } : {}),
    ...(returnUrl !== undefined ? { returnUrl } : {}),
    ...(captureMethod !== undefined ? { captureMethod } : {}),
  });
  return expand(account, intent, fields);
};

const captureIntent: Handler = ({ account, params, id }) => {
  checkAllowed(params, {
    modelled: ['amount_to_capture', 'metadata', 'expand'],
    unsupported: ['amount_details', 'application_fee_amount', 'final_capture', 'hooks', 'payment_details', 'statement_descriptor', 'statement_descriptor_suffix', 'transfer_data'],
  });
  const fields = expandParam(params, 'payment_intent', false);
  const amountToCapture = integerParam(params.amount_to_capture, 'amount_to_capture', 1);
  const metadata = metadataParam(params.metadata);
  const intent = intentOf(account, id);
  if (intent.status !== 'requires_capture') {
    throw unexpectedState(
      intent,
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const captured = amountToCapture ?? intent.amount_capturable;
  if (captured > intent.amount_capturable) {
    throw stateError(
      400,
      'amount_too_large',
      `The amount_to_capture (${formatAmount(captured, intent.currency)}) is greater than the amount capturable (${formatAmount(intent.amount_capturable, intent.currency)}).`,
      { param: 'amount_to_capture' },
    );
  }
  const charge = intent.latest_charge ? account.charges.get(intent.latest_charge) : undefined;
  if (charge) {
    charge.captured = true;
    charge.amount_captured = captured;
    charge.amount_refunded = charge.amount - captured;
    charge.balance_transaction = newId('txn');
  }
  intent.metadata = applyMetadata(intent.metadata, metadata);
  intent.amount_capturable = 0;
  intent.amount_received = captured;
  intent.status = 'succeeded';
  return expand(account, intent, fields);
};

const cancellationReasons = ['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'] as const;

const cancelIntent: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['cancellation_reason', 'expand'] });
  const fields = expandParam(params, 'payment_intent', false);
  const reason = enumParam(params.cancellation_reason, 'cancellation_reason', cancellationReasons);
  const intent = intentOf(account, id);
  if (intent.status === 'succeeded' || intent.status === 'canceled') {
    throw unexpectedState(
      intent,
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.`,
    );
  }
  if (intent.status === 'requires_capture' && intent.latest_charge) {
    const charge = account.charges.get(intent.latest_charge);
    if (charge) {
      charge.amount_refunded = charge.amount;
      charge.refunded = true;
    }
    intent.amount_capturable = 0;
  }
  intent.status = 'canceled';
  intent.canceled_at = now();
  intent.cancellation_reason = reason ?? null;
  return expand(account, intent, fields);
};

const listIntents: Handler = ({ account, params, path }) => {
  checkAllowed(params, { modelled: ['limit', 'starting_after', 'ending_before', 'expand'], unsupported: ['created', 'customer', 'customer_account'] });
  const fields = expandParam(params, 'payment_intent', true);
  const { page, hasMore } = listPage([...account.intents.values()], params, 'payment_intent');
  return { object: 'list', data: page.map((item) => expand(account, item, fields)), has_more: hasMore, url: path };
};

const searchIntents: Handler = ({ account, params, path }) => {
  checkAllowed(params, { modelled: ['query', 'limit', 'page', 'expand'] });
  const fields = expandParam(params, 'payment_intent', true);
  const query = requiredString(params.query, 'query');
  if (query === undefined) throw invalidRequest('Missing required param: query.', 'query', 'parameter_missing');
  const limit = integerParam(params.limit, 'limit', 1) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'limit', 'parameter_invalid_integer');
  const pageToken = requiredString(params.page, 'page');
  let offset = 0;
  if (pageToken !== undefined) {
    const decoded = /^(\d+):(.*)$/s.exec(Buffer.from(pageToken, 'base64url').toString('utf8'));
    if (!decoded || decoded[2] !== query) throw invalidRequest('Invalid page: it does not belong to this query.', 'page');
    offset = Number(decoded[1]);
  }
  const { clauses, joiner } = parseQuery(query);
  const found = [...account.intents.values()]
    .reverse()
    .filter((intent) => (joiner === 'AND' ? clauses.every((c) => matchesClause(intent, c)) : clauses.some((c) => matchesClause(intent, c))));
  const page = found.slice(offset, offset + limit);
  const hasMore = found.length > offset + limit;
  return {
    object: 'search_result',
    data: page.map((item) => expand(account, item, fields.filter((f) => f !== 'total_count'))),
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(`${offset + limit}:${query}`, 'utf8').toString('base64url') : null,
    url: path,
    ...(fields.includes('total_count') ? { total_count: found.length } : {}),
  };
};

const refundReasons = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

const createRefund: Handler = ({ account, params }) => {
  checkAllowed(params, {
    modelled: ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand'],
    unsupported: ['currency', 'customer', 'instructions_email', 'origin', 'refund_application_fee', 'reverse_transfer'],
  });
  const fields = expandParam(params, 'refund', false);
  const intentId = requiredString(params.payment_intent, 'payment_intent');
  const chargeId = requiredString(params.charge, 'charge');
  const amount = integerParam(params.amount, 'amount', 1);
  const reason = enumParam(params.reason, 'reason', refundReasons);
  const metadata = metadataParam(params.metadata);
  if (intentId === undefined && chargeId === undefined) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', 'payment_intent', 'parameter_missing');
  }
  if (intentId !== undefined && chargeId !== undefined) {
    throw invalidRequest('You cannot specify both the charge and payment_intent parameters.', 'charge', 'parameters_exclusive');
  }
  let charge: Charge | undefined;
  if (chargeId !== undefined) {
    charge = account.charges.get(chargeId);
    if (!charge) throw noSuch('charge', chargeId, 'charge');
  } else {
    const intent = account.intents.get(intentId ?? '');
    if (!intent) throw noSuch('payment_intent', intentId ?? '', 'payment_intent');
    charge = intent.latest_charge && intent.status === 'succeeded' ? account.charges.get(intent.latest_charge) : undefined;
    if (!charge) {
      throw unexpectedState(intent, `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`);
    }
  }
  if (charge.status !== 'succeeded' || !charge.captured) {
    throw stateError(400, 'charge_not_refundable', `Charge ${charge.id} cannot be refunded: it has not succeeded or was not captured.`, { param: 'charge' });
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) throw stateError(400, 'charge_already_refunded', `Charge ${charge.id} has already been refunded.`, { charge: charge.id });
  const refunded = amount ?? remaining;
  if (refunded > remaining) {
    throw stateError(
      400,
      'amount_too_large',
      `Refund amount (${formatAmount(refunded, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      { param: 'amount' },
    );
  }
  charge.amount_refunded += refunded;
  charge.refunded = charge.amount_refunded === charge.amount;
  const refund: Refund = {
    id: newId('re'),
    object: 'refund',
    amount: refunded,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: now(),
    currency: charge.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: applyMetadata({}, metadata),
    payment_intent: charge.payment_intent,
    reason: reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  account.refunds.set(refund.id, refund);
  return expand(account, refund, fields);
};

const retrieveRefund: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['expand'] });
  const fields = expandParam(params, 'refund', false);
  const refund = account.refunds.get(id);
  if (!refund) throw noSuch('refund', id, 'refund');
  return expand(account, refund, fields);
};

const listRefunds: Handler = ({ account, params, path }) => {
  checkAllowed(params, { modelled: ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'expand'], unsupported: ['created'] });
  const fields = expandParam(params, 'refund', true);
  const intentId = requiredString(params.payment_intent, 'payment_intent');
  const chargeId = requiredString(params.charge, 'charge');
  const matching = [...account.refunds.values()].filter(
    (refund) => (intentId === undefined || refund.payment_intent === intentId) && (chargeId === undefined || refund.charge === chargeId),
  );
  const { page, hasMore } = listPage(matching, params, 'refund');
  return { object: 'list', data: page.map((item) => expand(account, item, fields)), has_more: hasMore, url: path };
};

const retrieveCharge: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['expand'] });
  const fields = expandParam(params, 'charge', false);
  const charge = account.charges.get(id);
  if (!charge) throw noSuch('charge', id, 'id');
  return expand(account, charge, fields);
};

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

const routes: readonly Route[] = [
  { method: 'POST', pattern: /^\/v1\/payment_intents$/, handler: createIntent },
  { method: 'GET', pattern: /^\/v1\/payment_intents$/, handler: listIntents },
  { method: 'GET', pattern: /^\/v1\/payment_intents\/search$/, handler: searchIntents },
  { method: 'GET', pattern: /^\/v1\/payment_intents\/([^/]+)$/, handler: retrieveIntent },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)$/, handler: updateIntent },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/, handler: confirmIntentHandler },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/capture$/, handler: captureIntent },
  { method: 'POST', pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/, handler: cancelIntent },
  { method: 'POST', pattern: /^\/v1\/refunds$/, handler: createRefund },
  { method: 'GET', pattern: /^\/v1\/refunds$/, handler: listRefunds },
  { method: 'GET', pattern: /^\/v1\/refunds\/([^/]+)$/, handler: retrieveRefund },
  { method: 'GET', pattern: /^\/v1\/charges\/([^/]+)$/, handler: retrieveCharge },
];

// ---------------------------------------------------------------------------------------------
// HTTP

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_BODY = 1024 * 1024;

const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** The API key from `Authorization: Bearer <key>` (the SDK) or HTTP Basic `<key>:` (curl -u). */
const apiKeyOf = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic) return Buffer.from(basic[1] ?? '', 'base64').toString('utf8').split(':')[0];
  return undefined;
};

const redact = (key: string): string => (key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : key);

const authError = (message: string): ApiError => new ApiError(401, { type: 'invalid_request_error', message }, false);

const checkApiKey = (key: string | undefined): string => {
  if (!key) {
    throw authError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw authError(
      `Invalid API Key provided: ${redact(key)}${key.startsWith('sk_live_') ? ' (the offline Stripe stand-in accepts test-mode secret keys only: sk_test_…)' : ''}`,
    );
  }
  return key;
};

const injectedFault = (status: number): ErrorBody => {
  if (status === 429) {
    return { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly. (injected by the Stripe stand-in)' };
  }
  if (status === 409) {
    return {
      type: 'invalid_request_error',
      code: 'lock_timeout',
      message: 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. (injected by the Stripe stand-in)',
    };
  }
  if (status >= 500) {
    return {
      type: 'api_error',
      message: 'An unknown error occurred while processing this request. (injected by the Stripe stand-in)',
    };
  }
  return { type: 'invalid_request_error', message: `Injected failure (status ${status}) from the Stripe stand-in.` };
};

// ---------------------------------------------------------------------------------------------
// Events, webhook deliveries and the state file

/** Stripe stops retrying a webhook after 3 days. */
const WEBHOOK_GIVE_UP_MS = 3 * 24 * 60 * 60 * 1000;

const emitEvent = (account: Account, type: string, object: unknown, request: StripeEvent['request']): void => {
  const event: StripeEvent = {
    id: newId('evt'),
    object: 'event',
    api_version: null,
    created: now(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: 1,
    request,
    type,
  };
  account.events.set(event.id, event);
  account.deliveries.push({ eventId: event.id, attempts: 0, nextAttemptAt: Date.now(), firstAttemptAt: Date.now() });
};

/** The events a request caused: payments that succeeded or were declined, refunds made. */
const eventsOf = (
  account: Account,
  method: string,
  path: string,
  outcome: { ok: true; result: unknown } | { ok: false; error: ApiError },
  request: StripeEvent['request'],
): void => {
  if (method !== 'POST') return;
  const paymentRoute = /^\/v1\/payment_intents(\/[^/]+\/(confirm|capture))?$/.test(path);
  if (paymentRoute) {
    const id = outcome.ok ? (outcome.result as { id?: unknown } | null)?.id : outcome.error.body.payment_intent?.id;
    const intent = typeof id === 'string' ? account.intents.get(id) : undefined;
    if (!intent) return;
    if (outcome.ok && intent.status === 'succeeded') emitEvent(account, 'payment_intent.succeeded', intent, request);
    if (!outcome.ok && outcome.error.body.type === 'card_error') emitEvent(account, 'payment_intent.payment_failed', intent, request);
  } else if (path === '/v1/refunds' && outcome.ok) {
    const chargeId = (outcome.result as { charge?: unknown } | null)?.charge;
    const charge = typeof chargeId === 'string' ? account.charges.get(chargeId) : undefined;
    if (charge) emitEvent(account, 'charge.refunded', charge, request);
  }
};

/** `Stripe-Signature` as Stripe computes it: HMAC-SHA256 of `<t>.<payload>` keyed with the endpoint secret. */
export const stripeSignature = (payload: string, secret: string, timestamp = now()): string =>
  `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')}`;

const retrieveEvent: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['expand'] });
  const event = account.events.get(id);
  if (!event) throw noSuch('event', id, 'id');
  return event;
};

const listEvents: Handler = ({ account, params, path }) => {
  checkAllowed(params, { modelled: ['limit', 'starting_after', 'ending_before', 'type', 'expand'], unsupported: ['created', 'delivery_success', 'types'] });
  const type = requiredString(params.type, 'type');
  const events = [...account.events.values()].filter((event) => type === undefined || event.type === type);
  const { page, hasMore } = listPage(events, params, 'event');
  return { object: 'list', data: page, has_more: hasMore, url: path };
};

/** Resends an event now, whatever became of its earlier deliveries (`stripe events resend`). */
const retryEvent: Handler = ({ account, params, id }) => {
  checkAllowed(params, { modelled: ['expand'], ignored: ['for_stripecli', 'webhook_endpoint'] });
  const event = account.events.get(id);
  if (!event) throw noSuch('event', id, 'id');
  account.deliveries.push({ eventId: event.id, attempts: 0, nextAttemptAt: Date.now(), firstAttemptAt: Date.now() });
  event.pending_webhooks += 1;
  return event;
};

const eventRoutes: readonly Route[] = [
  { method: 'GET', pattern: /^\/v1\/events$/, handler: listEvents },
  { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handler: retrieveEvent },
  { method: 'POST', pattern: /^\/v1\/events\/([^/]+)\/retry$/, handler: retryEvent },
];

const pairs = z.array(z.tuple([z.string(), z.unknown()]));
const stateSchema = z.object({
  version: z.literal(1),
  accounts: z.array(
    z.object({
      key: z.string(),
      intents: pairs,
      charges: pairs,
      refunds: pairs,
      paymentMethods: pairs,
      idempotency: pairs,
      events: pairs,
      deliveries: z.array(z.object({ eventId: z.string(), attempts: z.number().int().nonnegative(), nextAttemptAt: z.number(), firstAttemptAt: z.number() })),
    }),
  ),
});

/** The objects are the stand-in's own, written by `saveState`: their shapes are not re-checked one by one. */
const loadState = (file: string): Map<string, Account> => {
  const accounts = new Map<string, Account>();
  if (!existsSync(file)) return accounts;
  const state = stateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const a of state.accounts) {
    accounts.set(a.key, {
      intents: new Map(a.intents as Array<[string, PaymentIntent]>),
      charges: new Map(a.charges as Array<[string, Charge]>),
      refunds: new Map(a.refunds as Array<[string, Refund]>),
      paymentMethods: new Map(a.paymentMethods as Array<[string, { method: PaymentMethod; card: TestCard }]>),
      idempotency: new Map(a.idempotency as Array<[string, SavedResponse]>),
      events: new Map(a.events as Array<[string, StripeEvent]>),
      deliveries: a.deliveries,
    });
  }
  return accounts;
};

/** Written whole, then renamed: a crash leaves the previous state or the new one, never half a file. */
const saveState = (file: string, accounts: ReadonlyMap<string, Account>): void => {
  const state = {
    version: 1,
    accounts: [...accounts].map(([key, a]) => ({
      key,
      intents: [...a.intents],
      charges: [...a.charges],
      refunds: [...a.refunds],
      paymentMethods: [...a.paymentMethods],
      idempotency: [...a.idempotency],
      events: [...a.events],
      deliveries: a.deliveries,
    })),
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
};

export const startStripeStandIn = async (options: StripeStandInOptions = {}): Promise<StripeStandIn> => {
  const stateFile = options.stateFile;
  const accounts = stateFile ? loadState(stateFile) : new Map<string, Account>();
  const save = (): void => {
    if (stateFile) saveState(stateFile, accounts);
  };
  let requests = 0;
  let faults: Array<number> = [];

  const accountFor = (key: string): Account => {
    let account = accounts.get(key);
    if (!account) {
      account = { intents: new Map(), charges: new Map(), refunds: new Map(), paymentMethods: new Map(), idempotency: new Map(), events: new Map(), deliveries: [] };
      accounts.set(key, account);
    }
    return account;
  };

  // Webhook deliveries: one pass over what is due, every tick, one request per delivery at a time.
  let endpoint: WebhookEndpoint | undefined;
  const inFlight = new Set<WebhookDelivery>();
  const retryBaseMs = options.webhookRetryBaseMs ?? 1_000;
  const maxDelayMs = options.webhookMaxDelayMs ?? 60_000;
  const deliver = async (account: Account, delivery: WebhookDelivery, target: WebhookEndpoint): Promise<void> => {
    const event = account.events.get(delivery.eventId);
    let ok = false;
    if (event) {
      const payload = JSON.stringify(event, null, 2);
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Stripe-Signature': stripeSignature(payload, target.secret),
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          },
          body: payload,
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        ok = response.ok;
      } catch {
        ok = false; // not reachable (the backend is down or starting): retried like any failure
      }
    }
    delivery.attempts += 1;
    const giveUp = Date.now() - delivery.firstAttemptAt > WEBHOOK_GIVE_UP_MS;
    if (ok || giveUp || !event) {
      account.deliveries.splice(account.deliveries.indexOf(delivery), 1);
      if (event && ok) event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
    } else {
      delivery.nextAttemptAt = Date.now() + Math.min(retryBaseMs * 2 ** (delivery.attempts - 1), maxDelayMs);
    }
    save();
  };
  const tick = (): void => {
    const target = endpoint;
    if (!target) return;
    for (const account of accounts.values()) {
      for (const delivery of account.deliveries) {
        if (inFlight.has(delivery) || delivery.nextAttemptAt > Date.now()) continue;
        inFlight.add(delivery);
        void deliver(account, delivery, target)
          .catch((error: unknown) => console.error('stripe stand-in: webhook delivery failed', error))
          .finally(() => inFlight.delete(delivery));
      }
    }
  };
  const ticker = setInterval(tick, Math.min(250, retryBaseMs));
  ticker.unref();

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests += 1;
    const requestId = `req_${token(14)}`;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://stripe.local');
    const path = url.pathname;
    const idempotencyKey = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      'Cache-Control': 'no-cache, no-store',
    };
    const version = req.headers['stripe-version'];
    if (typeof version === 'string') headers['Stripe-Version'] = version;
    if (typeof idempotencyKey === 'string') headers['Idempotency-Key'] = idempotencyKey;
    const send = (status: number, body: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...headers, ...extra });
      res.end(body);
    };
    const sendError = (error: ApiError): void => send(error.status, JSON.stringify({ error: error.body }, null, 2));

    const body = await readBody(req);
    const fault = faults.shift();
    if (fault !== undefined) {
      send(fault, JSON.stringify({ error: injectedFault(fault) }, null, 2));
      return;
    }
    try {
      if (body === undefined) throw invalidRequest('Invalid request: the request body is too large.');
      const account = accountFor(checkApiKey(apiKeyOf(req)));
      const route = [...routes, ...eventRoutes].find((candidate) => candidate.method === method && candidate.pattern.test(path));
      const match = route?.pattern.exec(path);
      if (!route || !match) {
        throw new ApiError(
          404,
          {
            type: 'invalid_request_error',
            message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          },
          false,
        );
      }
      const contentType = req.headers['content-type'] ?? '';
      if (method === 'POST' && body !== '' && !/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
        throw invalidRequest(`Invalid request: unsupported Content-Type ${contentType}. Send application/x-www-form-urlencoded (Stripe's v1 API).`);
      }
      const query = url.search.slice(1);
      const params = decodeForm(method === 'POST' ? [query, body].filter(Boolean).join('&') : query);
      const id = match[1] !== undefined ? decodeComponent(match[1]) : '';
      const context: Context = { account, params, path, id };

      const cause = { id: requestId, idempotency_key: typeof idempotencyKey === 'string' ? idempotencyKey : null };
      if (typeof idempotencyKey !== 'string') {
        let result: unknown;
        try {
          result = route.handler(context);
        } catch (error) {
          if (error instanceof ApiError) eventsOf(account, method, path, { ok: false, error }, cause);
          throw error;
        } finally {
          if (method === 'POST') save();
        }
        eventsOf(account, method, path, { ok: true, result }, cause);
        save();
        send(200, JSON.stringify(result, null, 2));
        return;
      }
      if (idempotencyKey.length > 255) {
        throw invalidRequest('Invalid idempotency key: keys can be at most 255 characters long.', undefined, 'idempotency_key_too_long');
      }
      const endpoint = `${method} ${path}`;
      const fingerprint = canonical(params);
      const saved = account.idempotency.get(idempotencyKey);
      if (saved && Date.now() - saved.at < IDEMPOTENCY_TTL_MS) {
        if (saved.endpoint !== endpoint) {
          throw new ApiError(
            400,
            {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.endpoint}' vs '${endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
            false,
          );
        }
        if (saved.fingerprint !== fingerprint) {
          throw new ApiError(
            400,
            {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
            false,
          );
        }
        send(saved.status, saved.body, { 'Idempotent-Replayed': 'true', 'Original-Request': saved.requestId });
        return;
      }
      let status = 200;
      let text: string;
      let keep = true;
      try {
        const result = route.handler(context);
        eventsOf(account, method, path, { ok: true, result }, cause);
        text = JSON.stringify(result, null, 2);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        eventsOf(account, method, path, { ok: false, error }, cause);
        status = error.status;
        text = JSON.stringify({ error: error.body }, null, 2);
        keep = error.saved;
      }
      if (keep) account.idempotency.set(idempotencyKey, { endpoint, fingerprint, status, body: text, requestId, at: Date.now() });
      save();
      send(status, text, { 'Original-Request': requestId });
    } catch (error) {
      if (error instanceof ApiError) sendError(error);
      else {
        console.error('stripe stand-in: unexpected error', error);
        send(500, JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred in the Stripe stand-in.' } }, null, 2));
      }
    }
  };

  const server: Server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('Stripe stand-in did not bind');
  const host = '127.0.0.1';
  const port = address.port;
  let stopping: Promise<void> | undefined;

  return {
    url: `http://${host}:${port}`,
    host,
    port,
    get requests() {
      return requests;
    },
    failNext(n: number, status = 500): void {
      if (!Number.isInteger(n) || n < 0) throw new Error(`failNext: n must be a non-negative integer, not ${n}`);
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`failNext: status must be 400-599, not ${status}`);
      faults = Array.from({ length: n }, () => status);
    },
    setWebhookEndpoint(next: WebhookEndpoint): void {
      endpoint = next;
      tick();
    },
    pendingWebhooks(): number {
      return [...accounts.values()].reduce((sum, account) => sum + account.deliveries.length, 0);
    },
    stop(): Promise<void> {
      clearInterval(ticker);
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps connections alive: drop them so close() does not wait for their timeout.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
};
