import { MetricUnit } from '@aws-lambda-powertools/metrics';
import Stripe from 'stripe';
import { findOrderByPaymentIntent, getOrder, markStripeEvent, saveOrderChange, stripeEventSeen, type StoredOrder } from '../orders/order-store.js';
import { refundedEvent } from '../orders/refund-events.js';
import type { OutboxItem } from '../shared/db/entities.js';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { money } from '../shared/money.js';
import { logger, metrics } from '../shared/observability.js';
import { outboxEvent } from '../shared/outbox.js';
import { readSecret } from '../shared/secrets.js';
import { listRefunds } from './gateway.js';
import { paymentFailed, paymentSucceeded, unrecordedRefunds, withRefunds, type PaymentIntentFacts } from './stripe-effects.js';
import { OrderPaid, OrderPaymentFailed } from '../../events/schemas/orders.js';

/** Stripe's signature tolerance, as API.md fixes it. */
const toleranceSeconds = 300;
const received = { status: 200, body: { received: true } } as const;

const verify = async (rawBody: string, signature: string | undefined): Promise<Stripe.Event> => {
  const secret = await readSecret('stripeWebhookSecret');
  try {
    return Stripe.webhooks.constructEvent(rawBody, signature ?? '', secret, toleranceSeconds);
  } catch (cause) {
    throw new ProblemError('invalid_signature', { status: 400, cause });
  }
};

const facts = (intent: Stripe.PaymentIntent): PaymentIntentFacts => ({
  id: intent.id,
  amountReceived: intent.amount_received,
  currency: intent.currency,
  lastError: intent.last_payment_error
    ? { code: intent.last_payment_error.code ?? intent.last_payment_error.type, message: intent.last_payment_error.message ?? 'payment failed' }
    : undefined,
});

const orderFor = async (event: Stripe.Event): Promise<StoredOrder | undefined> => {
  if (event.type === 'payment_intent.succeeded' || event.type === 'payment_intent.payment_failed') {
    const orderId = event.data.object.metadata?.orderId;
    return orderId ? getOrder(orderId) : findOrderByPaymentIntent(event.data.object.id);
  }
  if (event.type === 'charge.refunded') {
    const intent = event.data.object.payment_intent;
    const id = typeof intent === 'string' ? intent : intent?.id;
    return id ? findOrderByPaymentIntent(id) : undefined;
  }
  return undefined;
};

/** The change this event makes to the order, with its events; undefined when it changes nothing. */
const decide = async (event: Stripe.Event, order: StoredOrder, correlationId: string, now: Date) => {
  const context = { correlationId, now };
  const { placed } = order;
  if (event.type === 'payment_intent.succeeded') {
    const effect = paymentSucceeded(order, facts(event.data.object), now);
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
    const effect = paymentFailed(order, facts(event.data.object));
    if (effect.kind !== 'payment_failed') return undefined;
    const failed = outboxEvent(
      OrderPaymentFailed,
      { orderId: placed.id, merchantId: order.merchantId, paymentIntentId: placed.payment.paymentIntentId, reason: effect.reason, failedAt: now.toISOString() },
      context,
    );
    return { change: effect.change, events: [failed] };
  }
  if (event.type === 'charge.refunded') {
    const added = unrecordedRefunds(order, await listRefunds(placed.payment.paymentIntentId), now);
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
 * POST /v1/webhooks/stripe: signature over the raw body (400 when it fails), each `evt_`
 * applied once (its marker is written with the change), amounts checked before `paid`.
 */
export const handler = httpHandler({ access: publicRoute, rawBody: true }, async (request) => {
  const event = await verify(request.rawBody, request.headers['stripe-signature']);
  logger.appendKeys({ stripeEventId: event.id, stripeEventType: event.type });
  if (await stripeEventSeen(event.id)) return received;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const order = await orderFor(event);
    if (!order) {
      if (!['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded'].includes(event.type)) {
        await markStripeEvent(event.id, event.type);
        return received;
      }
      // The order may still be being written (its PaymentIntent is created first): Stripe retries.
      throw new ProblemError('not_found');
    }
    const now = new Date();
    const decision = await decide(event, order, request.correlationId, now);
    if (!decision) {
      await markStripeEvent(event.id, event.type);
      return received;
    }
    const outcome = await saveOrderChange(order, decision.change, decision.events, { eventId: event.id, type: event.type });
    if (outcome !== 'conflict') return received;
  }
  throw new ProblemError('idempotency_in_progress');
});
