import * as z from 'zod/mini';
import { refundPayment } from '../payments/gateway.js';
import { refundFromStripe, withRefunds } from '../payments/stripe-effects.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, parseJson, requireTenant, type HttpResult } from '../shared/http.js';
import { derivedToken, requestHash, sameRequest } from '../shared/idempotency.js';
import { moneySchema } from '../shared/money.js';
import { refundableAmount, refundRecordView, text, type StoredRefund } from './order.js';
import { orderPath, ownOrder } from './order-access.js';
import { saveOrderChange } from './order-store.js';
import { refundedEvent } from './refund-events.js';

export const refundBody = z.strictObject({
  amount: z.optional(z.extend(moneySchema(), { amount: z.number().check(z.int(), z.positive()) })),
  reason: text(500),
});

/** The refund an Idempotency-Key names on this order: the same id here, in Stripe metadata and in the webhook's record. */
export const refundIdFor = (orderId: string, idempotencyKey: string): string => `ref_${derivedToken('refund', orderId, idempotencyKey).slice(0, 26)}`;

/** The answer, built from the stored refund only, so the first answer and every replay are the same. */
const answer = (orderId: string, refund: StoredRefund, replayed: boolean): HttpResult => ({
  status: 201,
  body: { refund: { ...refundRecordView(refund), orderId, status: 'succeeded' as const } },
  ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
});

/**
 * POST /v1/orders/{id}/refunds: part or all of what is left (never more than was paid).
 * `Idempotency-Key` is required and names the refund (id here, idempotency key and
 * metadata at Stripe): a replay with the same body answers as the first request did, in
 * every order of retries, crashes and Stripe's `charge.refunded` webhook (which records
 * the refund from its metadata exactly as this handler would); another body is 422.
 */
export const handler = httpHandler({ access: keyed('merchant'), path: orderPath, body: refundBody, idempotencyKey: true }, async (request) => {
  const merchantId = requireTenant(request);
  const { body, idempotencyKey } = request;
  const hash = requestHash(parseJson(request.rawBody));
  let order = await ownOrder(merchantId, request.path.id);
  const orderId = order.placed.id;
  const refundId = refundIdFor(orderId, idempotencyKey);
  const replay = (recorded: StoredRefund): HttpResult => {
    // Refunds recorded before fingerprints were stored compare by their fields.
    const same = recorded.requestHash
      ? sameRequest(recorded.requestHash, hash)
      : recorded.reason === body.reason && (!body.amount || body.amount.amount === recorded.amount.amount);
    if (!same) throw new ProblemError('idempotency_key_reused');
    return answer(orderId, recorded, true);
  };

  const earlier = order.refunds.find((r) => r.id === refundId);
  if (earlier) return replay(earlier);
  // Refusals are not stored (as for orders): a retry decides them anew.
  if (refundableAmount(order) === 0) throw new ProblemError('invalid_state', { params: { state: order.status } });
  if (body.amount && body.amount.currency !== order.placed.currency) {
    throw new ProblemError('validation_failed', { errors: [{ path: 'amount.currency', message: `the order is in ${order.placed.currency}` }] });
  }
  if (body.amount && body.amount.amount > refundableAmount(order)) {
    throw new ProblemError('validation_failed', { errors: [{ path: 'amount.amount', message: `at most ${refundableAmount(order)} can still be refunded` }] });
  }

  // Same key, same body: the same Stripe parameters and idempotency key, so a retry after a
  // crash gets the same Stripe refund back (no amount = Stripe refunds what is left on the charge).
  const stripeRefund = await refundPayment({
    paymentIntentId: order.placed.payment.paymentIntentId,
    amount: body.amount,
    orderId,
    refundId,
    reason: body.reason,
    source: 'api',
    requestHash: hash,
    idempotencyKey: `refund:${derivedToken(orderId, idempotencyKey)}`,
  });
  const refund = refundFromStripe(order.placed.currency, stripeRefund);

  for (let attempt = 0; attempt < 3; attempt += 1) {
    // Stripe's charge.refunded webhook may have recorded this very refund first.
    const recorded = order.refunds.find((r) => r.id === refundId || r.stripeRefundId === stripeRefund.id);
    if (recorded) return answer(orderId, recorded, false);
    const change = withRefunds(order, [refund]);
    const event = refundedEvent(order, refund, change.refundedAmount ?? order.refundedAmount, request.correlationId, new Date());
    if ((await saveOrderChange(order, change, [event])) === 'saved') return answer(orderId, refund, false);
    order = await ownOrder(merchantId, orderId);
  }
  throw new ProblemError('idempotency_in_progress');
});
