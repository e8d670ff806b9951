/**
 * What a signed Stripe payload must look like before the webhook acts on it, and which
 * order (if any) an event names. Pure: zod schemas and decisions, no AWS or Stripe calls.
 * Signed does not mean well-formed: `[]`, `null`, an event without `id` or with
 * `data.object: null`, or ids longer than any key DynamoDB takes are 400s, never 500s.
 */
import * as z from 'zod/mini';

/** Stripe object ids are short (`evt_1QAbCdEf…`); 255 keeps every key far below DynamoDB's 2 KB limit. */
const stripeId = (prefix?: string) =>
  z
    .string()
    .check(
      z.maxLength(255),
      z.regex(prefix ? new RegExp(`^${prefix}_[A-Za-z0-9_-]+$`) : /^[A-Za-z0-9_-]+$/, prefix ? `a Stripe id (${prefix}_…)` : 'a Stripe id'),
    );

const metadata = z.nullish(z.record(z.string(), z.string()));

/** The event envelope (https://docs.stripe.com/api/events/object); other fields as Stripe sends them. */
export const stripeEventEnvelope = z.object({
  id: stripeId('evt'),
  type: z.string().check(z.minLength(1), z.maxLength(255)),
  /** Stripe always sends it; without it an event has no credible age (see unmatchedOutcome). */
  created: z.optional(z.number().check(z.int(), z.nonnegative(), z.lte(1e11))),
  livemode: z.optional(z.boolean()),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
export type StripeEventEnvelope = z.output<typeof stripeEventEnvelope>;

export const paymentIntentObject = z.object({
  id: stripeId('pi'),
  amount_received: z.number().check(z.int(), z.nonnegative()),
  currency: z.string().check(z.minLength(3), z.maxLength(3)),
  metadata,
  last_payment_error: z.nullish(
    z.object({
      code: z.nullish(z.string().check(z.maxLength(255))),
      type: z.nullish(z.string().check(z.maxLength(255))),
      message: z.nullish(z.string().check(z.maxLength(5000))),
    }),
  ),
});
export type PaymentIntentObject = z.output<typeof paymentIntentObject>;

export const chargeObject = z.object({
  id: stripeId(),
  payment_intent: z.nullish(z.union([stripeId('pi'), z.object({ id: stripeId('pi') })])),
  metadata,
});
export type ChargeObject = z.output<typeof chargeObject>;

/** The event types this backend acts on; every other type is acknowledged and ignored. */
export const handledTypes = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded'] as const;
export type HandledType = (typeof handledTypes)[number];
export const isHandled = (type: string): type is HandledType => (handledTypes as readonly string[]).includes(type);

/** Our order ids (`ord_` + 26 Crockford characters): anything else can never name one of our orders. */
const ourOrderId = /^ord_[0-9A-Z]{26}$/;

/** How long an event naming an order we do not have is retried (the order may still be being written). */
export const pendingOrderWindowSeconds = 3600;

/** The order id an object's metadata names, when it is shaped like one of ours. */
export const orderIdIn = (meta: Record<string, string> | null | undefined): string | undefined => {
  const value = meta?.orderId;
  return value !== undefined && ourOrderId.test(value) ? value : undefined;
};

export type UnmatchedReason = 'not_ours' | 'order_not_found';

/**
 * Stripe's clock and ours agree within the signature tolerance (a signature stamped
 * further off is refused), so an event cannot honestly be created later than this ahead.
 */
export const clockToleranceSeconds = 300;

/**
 * An event names an order we do not have: ask Stripe to retry while the event is younger
 * than the window, then keep it for operators. Its age is read on our clock from its
 * `created`; an event stamped further ahead than the clocks can differ has no credible
 * age and is kept at once, so no event is retried for more than the window plus the
 * tolerance, whatever it says.
 */
export const unmatchedOutcome = (createdSeconds: number | undefined, now: Date): 'retry' | 'keep' => {
  if (createdSeconds === undefined) return 'keep';
  const age = Math.floor(now.getTime() / 1000) - createdSeconds;
  return age >= -clockToleranceSeconds && age < pendingOrderWindowSeconds ? 'retry' : 'keep';
};

/** The PaymentIntent id a charge belongs to (a string, or the expanded object). */
export const chargeIntentId = (charge: ChargeObject): string | undefined =>
  typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? undefined);
