/**
 * The payment port: what orders need from Stripe, with Stripe's errors turned into the
 * API's problems. Every call that creates or moves money carries an idempotency key.
 */
import Stripe from 'stripe';
import { stripeClient } from '../shared/clients/stripe.js';
import { ProblemError } from '../shared/errors.js';
import type { Money } from '../shared/money.js';

export interface PaymentIntentRef {
  readonly id: string;
  readonly clientSecret: string;
}

const translate = (error: unknown): never => {
  if (error instanceof Stripe.errors.StripeIdempotencyError) throw new ProblemError('idempotency_key_reused', { cause: error });
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state') {
    throw new ProblemError('invalid_state', { cause: error, params: { reason: 'payment_in_progress' } });
  }
  // Stripe holds less than we thought refundable (refunded elsewhere meanwhile): a state conflict, not an outage.
  if (error instanceof Stripe.errors.StripeInvalidRequestError && (error.code === 'amount_too_large' || error.code === 'charge_already_refunded')) {
    throw new ProblemError('invalid_state', { cause: error, params: { reason: 'refunded_at_stripe' } });
  }
  if (error instanceof Stripe.errors.StripeError) throw new ProblemError('service_unavailable', { cause: error });
  throw error;
};

export const createPaymentIntent = async (input: {
  orderId: string;
  merchantId: string;
  total: Money;
  idempotencyKey: string;
}): Promise<PaymentIntentRef> => {
  const stripe = await stripeClient();
  try {
    const intent = await stripe.paymentIntents.create(
      {
        amount: input.total.amount,
        currency: input.total.currency.toLowerCase(),
        automatic_payment_methods: { enabled: true },
        description: `Order ${input.orderId}`,
        metadata: { orderId: input.orderId, merchantId: input.merchantId },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    if (!intent.client_secret) throw new Error(`PaymentIntent ${intent.id} has no client secret`);
    return { id: intent.id, clientSecret: intent.client_secret };
  } catch (error) {
    return translate(error);
  }
};

/** Cancels an unpaid PaymentIntent; one already canceled counts as done. */
export const cancelPaymentIntent = async (paymentIntentId: string): Promise<void> => {
  const stripe = await stripeClient();
  try {
    await stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey: `cancel:${paymentIntentId}` });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state') {
      const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
      if (intent.status === 'canceled') return;
    }
    translate(error);
  }
};

/** A Stripe refund as orders record it. `metadata` carries what names it on our side. */
export interface StripeRefund {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  /** Unix seconds, Stripe's clock: the refund's `createdAt` whichever side records it. */
  readonly created: number;
  readonly metadata: Record<string, string>;
}

const refundOf = (r: Stripe.Refund): StripeRefund => ({ id: r.id, amount: r.amount, currency: r.currency, created: r.created, metadata: r.metadata ?? {} });

/**
 * Refunds `amount`, or without one whatever is left on the charge (Stripe decides, so a
 * retry sends the very same parameters whatever was recorded meanwhile). The metadata
 * names the refund on our side (order, refund id, reason, source, request fingerprint), so
 * Stripe's `charge.refunded` webhook records it exactly as our API would.
 */
export const refundPayment = async (input: {
  paymentIntentId: string;
  amount?: Money | undefined;
  orderId: string;
  refundId: string;
  reason: string;
  source: 'api' | 'cancel';
  requestHash?: string | undefined;
  idempotencyKey: string;
}): Promise<StripeRefund> => {
  const stripe = await stripeClient();
  try {
    const refund = await stripe.refunds.create(
      {
        payment_intent: input.paymentIntentId,
        ...(input.amount ? { amount: input.amount.amount } : {}),
        reason: 'requested_by_customer',
        metadata: {
          orderId: input.orderId,
          refundId: input.refundId,
          reason: input.reason,
          source: input.source,
          ...(input.requestHash ? { requestHash: input.requestHash } : {}),
        },
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return refundOf(refund);
  } catch (error) {
    return translate(error);
  }
};

/** The refunds Stripe holds for a PaymentIntent (reconciled by id against the order's own records). */
export const listRefunds = async (paymentIntentId: string): Promise<StripeRefund[]> => {
  const stripe = await stripeClient();
  try {
    const page = await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
    // Only money that went (or is going) back: failed and canceled refunds returned nothing.
    return page.data.filter((r) => r.status === 'succeeded' || r.status === 'pending').map(refundOf);
  } catch (error) {
    return translate(error);
  }
};
