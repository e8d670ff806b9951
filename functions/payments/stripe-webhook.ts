import { MetricUnit } from '@aws-lambda-powertools/metrics';
import Stripe from 'stripe';
import { findOrderByPaymentIntent, getOrder, markStripeEvent, saveOrderChange, stripeEventSeen, type StoredOrder } from '../orders/order-store.js';
import { refundedEvent } from '../orders/refund-events.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute, parseJson } from '../shared/http.js';
import { validate } from '../shared/validation.js';
import { money } from '../shared/money.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import { readSecret } from '../shared/secrets.js';
import { listRefunds } from './gateway.js';
import {
  chargeIntentId,
  chargeObject,
  orderIdIn,
  paymentIntentObject,
  stripeEventEnvelope,
  unmatchedOutcome,
  type ChargeObject,
  type PaymentIntentObject,
  type StripeEventEnvelope,
} from './stripe-event.js';
import { keepUnmatchedEvent } from './unmatched-store.js';
import { paymentFailed, paymentSucceeded, unrecordedRefunds, withRefunds, type PaymentIntentFacts } from './stripe-effects.js';
import { OrderPaid, OrderPaymentFailed } from '../../events/schemas/orders.js';

/** Stripe's signature tolerance, as API.md fixes it. */
const toleranceSeconds = 300;
const received = { status: 200, body: { received: true } } as const;

/** Signature first (400 invalid_signature), then JSON (400 malformed_json), then the envelope (400 validation_failed). */
const verify = async (rawBody: string, signature: string | undefined): Promise<StripeEventEnvelope> => {
  const secret = await readSecret('stripeWebhookSecret');
  try {
    const helper = Stripe.webhooks.signature;
    if (!helper) throw new Error('the Stripe SDK has no signature helper');
    helper.verifyHeader(rawBody, signature ?? '', secret, toleranceSeconds);
  } catch (cause) {
    throw new ProblemError('invalid_signature', { status: 400, cause });
  }
  return validate(stripeEventEnvelope, parseJson(rawBody));
};

/** A handled event, with its object validated for what the handler reads. */
type HandledEvent =
  | { readonly type: 'payment_intent.succeeded' | 'payment_intent.payment_failed'; readonly intent: PaymentIntentObject }
  | { readonly type: 'charge.refunded'; readonly charge: ChargeObject };

const handledEvent = (event: StripeEventEnvelope): HandledEvent | undefined => {
  if (event.type === 'payment_intent.succeeded' || event.type === 'payment_intent.payment_failed') {
    return { type: event.type, intent: validate(paymentIntentObject, event.data.object, 'data.object') };
  }
  if (event.type === 'charge.refunded') return { type: event.type, charge: validate(chargeObject, event.data.object, 'data.object') };
  return undefined;
};

const facts = (intent: PaymentIntentObject): PaymentIntentFacts => ({
  id: intent.id,
  amountReceived: intent.amount_received,
  currency: intent.currency,
  lastError: intent.last_payment_error
    ? { code: intent.last_payment_error.code ?? intent.last_payment_error.type ?? 'payment_failed', message: intent.last_payment_error.message ?? 'payment failed' }
    : undefined,
});

/** The order an event is about; `missing` names one of ours we do not have (yet); `not_ours` names none. */
type Target = { readonly kind: 'order'; readonly order: StoredOrder } | { readonly kind: 'missing'; readonly orderId: string } | { readonly kind: 'not_ours' };

const targetOf = async (event: HandledEvent): Promise<Target> => {
  const object = event.type === 'charge.refunded' ? event.charge : event.intent;
  const intentId = event.type === 'charge.refunded' ? chargeIntentId(event.charge) : event.intent.id;
  const orderId = orderIdIn(object.metadata);
  // The order itself is read consistently; the PaymentIntent index is the fallback for objects without metadata.
  const order = (orderId ? await getOrder(orderId) : undefined) ?? (intentId ? await findOrderByPaymentIntent(intentId) : undefined);
  if (order) return { kind: 'order', order };
  return orderId ? { kind: 'missing', orderId } : { kind: 'not_ours' };
};

/** The change this event makes to the order, with its events; undefined when it changes nothing. */
const decide = async (event: HandledEvent, order: StoredOrder, correlationId: string, now: Date) => {
  const context = { correlationId, now };
  const { placed } = order;
  if (event.type === 'payment_intent.succeeded') {
    const effect = paymentSucceeded(order, facts(event.intent), now);
    if (effect.kind === 'mismatch') {
      logger.error('payment amount does not match the order; not marking it paid', { orderId: placed.id, reason: effect.reason });
      metrics.addMetric('PaymentAmountMismatch', MetricUnit.Count, 1);
      return { change: effect.change, events: [] };
    }
    if (effect.kind !== 'paid') return undefined;
    const paid = outboxEvent(
      OrderPaid,
      { orderId: placed.id, merchantId: order.merchantId, amount: money(effect.amount, placed.currency), paymentIntentId: placed.payment.paymentIntentId, paidAt: now.toISOString() },
      context,
    );
    return { change: effect.change, events: [paid] };
  }
  if (event.type === 'payment_intent.payment_failed') {
    const effect = paymentFailed(order, facts(event.intent));
    if (effect.kind !== 'payment_failed') return undefined;
    const failed = outboxEvent(
      OrderPaymentFailed,
      { orderId: placed.id, merchantId: order.merchantId, paymentIntentId: placed.payment.paymentIntentId, reason: effect.reason, failedAt: now.toISOString() },
      context,
    );
    return { change: effect.change, events: [failed] };
  }
  if (event.type === 'charge.refunded') {
    const added = unrecordedRefunds(order, await listRefunds(placed.payment.paymentIntentId));
    if (added.length === 0) return undefined;
    const change = withRefunds(order, added);
    let total = order.refundedAmount;
    const events: OutboxItem[] = added.map((refund) => {
      total += refund.amount.amount;
      return refundedEvent(order, refund, total, correlationId, now);
    });
    return { change, events };
  }
  return undefined;
};

/**
 * POST /v1/webhooks/stripe: signature over the raw body, then the event's shape (400 when
 * either fails), each `evt_` applied once (its marker is written with the change), amounts
 * checked before `paid`. Events that match no order are acknowledged and kept for
 * operators; only one naming an order of ours that does not exist yet is retried (404),
 * for at most an hour after Stripe created it.
 */
export const handler = httpHandler({ access: publicRoute, rawBody: true }, async (request) => {
  const envelope = await verify(request.rawBody, request.headers['stripe-signature']);
  logger.appendKeys({ stripeEventId: envelope.id, stripeEventType: envelope.type });
  const event = handledEvent(envelope);
  if (await stripeEventSeen(envelope.id)) return received;
  if (!event) {
    await markStripeEvent(envelope.id, envelope.type);
    return received;
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const target = await targetOf(event);
    const now = new Date();
    if (target.kind !== 'order') {
      if (target.kind === 'missing' && unmatchedOutcome(envelope.created, now) === 'retry') {
        // The order may still be being written (its PaymentIntent is created first): Stripe retries.
        throw new ProblemError('not_found');
      }
      logger.warn('Stripe event matches no order; kept for operators', { reason: target.kind });
      metrics.addMetric('StripeEventUnmatched', MetricUnit.Count, 1);
      await keepUnmatchedEvent(envelope, target.kind === 'missing' ? 'order_not_found' : 'not_ours', target.kind === 'missing' ? target.orderId : undefined, now);
      return received;
    }
    const { order } = target;
    const decision = await decide(event, order, request.correlationId, now);
    if (!decision) {
      await markStripeEvent(envelope.id, envelope.type);
      return received;
    }
    const outcome = await saveOrderChange(order, decision.change, decision.events, { eventId: envelope.id, type: envelope.type });
    if (outcome !== 'conflict') return received;
  }
  throw new ProblemError('idempotency_in_progress');
});
