import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, parseJson, requireTenant, type HttpResult } from '../shared/http.js';
import { derivedToken, idempotencyTtlSeconds, keyHash, requestHash, sameRequest } from '../shared/idempotency.js';
import { money } from '../shared/money.js';
import { outboxEvent } from '../shared/outbox.js';
import { createPaymentIntent } from '../payments/gateway.js';
import type { IdempotencyRecord, OrderFields } from './order-items.js';
import { quote, restrictedReason } from './landed-cost.js';
import { defaultTakeRateBps } from './merchant-record.js';
import { marketCurrency, orderIdFor, orderView, shardOf, type PlacedOrder } from './order.js';
import { createOrderBody } from './order-requests.js';
import { getIdempotencyRecord, loadOrderContext, placeOrder } from './order-store.js';
import { loadPricingConfig } from './pricing-config.js';
import { OrderPlaced } from '../../events/schemas/orders.js';

/** Rates, rate cards, duty and restriction rules: defaults overridable with PRICING_CONFIG (JSON). */
const pricing = loadPricingConfig(process.env.PRICING_CONFIG);

const replay = (record: IdempotencyRecord, hash: string): HttpResult => {
  if (!sameRequest(record.requestHash, hash)) throw new ProblemError('idempotency_key_reused');
  return { status: record.responseStatus, body: JSON.parse(record.responseBody) as unknown, headers: { 'idempotent-replayed': 'true' } };
};

/**
 * POST /v1/orders. Happy path: ONE BatchGetItem (merchant, idempotency record, products),
 * the Stripe PaymentIntent (idempotency key derived from merchant + Idempotency-Key), ONE
 * TransactWriteItems (order, idempotency record with the answer, OrderPlaced).
 */
export const handler = httpHandler({ access: keyed('merchant'), body: createOrderBody, idempotencyKey: true }, async (request) => {
  const merchantId = requireTenant(request);
  const { body, idempotencyKey } = request;
  const hash = requestHash(parseJson(request.rawBody));
  const idemKeyHash = keyHash(idempotencyKey);

  const context = await loadOrderContext(merchantId, idemKeyHash, body.items.map((i) => i.sku));
  if (context.idempotency) return replay(context.idempotency, hash);
  const merchant = context.merchant;
  if (!merchant || merchant.status !== 'active') throw new ProblemError('forbidden');

  const market = body.buyer.address.country;
  if (!merchant.markets.includes(market)) throw new ProblemError('market_not_enabled', { params: { market } });
  if (body.currency !== marketCurrency[market]) {
    throw new ProblemError('validation_failed', {
      errors: [{ path: 'currency', message: `buyers in ${market} pay in ${marketCurrency[market]}` }],
    });
  }
  const lines = body.items.map(({ sku, quantity }) => {
    const product = context.products.get(sku);
    if (!product) throw new ProblemError('unknown_sku', { params: { sku } });
    if (restrictedReason(pricing, market, product.hsCode)) {
      throw new ProblemError('restricted_item', { params: { sku, hsCode: product.hsCode, market } });
    }
    return {
      sku,
      quantity,
      unitPriceFen: product.priceFen,
      hsCode: product.hsCode,
      originCountry: product.originCountry,
      weightGrams: product.weightGrams,
      // Validated with the catalogue's title schema when the product was read (product-read.ts).
      title: product.title,
    };
  });

  const now = new Date();
  const priced = quote({ market, currency: body.currency, lines, at: now }, pricing);
  const currency = body.currency;
  const orderId = orderIdFor(merchantId, idempotencyKey);
  const total = money(priced.total, currency);
  const intent = await createPaymentIntent({
    orderId,
    merchantId,
    total,
    idempotencyKey: `order-create:${derivedToken(merchantId, idempotencyKey)}`,
  });

  const placed: PlacedOrder = {
    id: orderId,
    merchantId,
    market,
    currency,
    buyer: body.buyer,
    items: priced.lines.map((l) => ({
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice: money(l.unitPriceFen, 'CNY'),
      hsCode: l.hsCode,
      originCountry: l.originCountry,
      weightGrams: l.weightGrams,
    })),
    totals: {
      merchandise: money(priced.merchandise, currency),
      shipping: money(priced.shipping, currency),
      duties: money(priced.duties, currency),
      total,
    },
    settlement: { merchandise: money(priced.settlementMerchandiseFen, 'CNY'), shipping: money(priced.shippingFen, 'CNY'), fxRate: priced.fxRate },
    customs: {
      exportMode: '9610',
      chargeableWeightGrams: priced.chargeableWeightGrams,
      items: priced.lines.map((l) => ({
        sku: l.sku,
        hsCode: l.hsCode,
        originCountry: l.originCountry,
        quantity: l.quantity,
        declaredValue: money(l.lineFen, 'CNY'),
        dutyRateBps: l.dutyRateBps,
      })),
    },
    payment: { provider: 'stripe', paymentIntentId: intent.id, clientSecret: intent.clientSecret },
    ...(body.attribution ? { attribution: body.attribution } : {}),
    createdAt: now.toISOString(),
    takeRateBps: merchant.takeRateBps ?? defaultTakeRateBps,
  };
  const state = { placed, status: 'pending_payment' as const, version: 1, paidAmount: 0, refundedAmount: 0, refunds: [], updatedAt: placed.createdAt };
  const answer = { status: 201, body: orderView(state), headers: { location: `/v1/orders/${orderId}` } };

  const item: OrderFields = {
    orderId,
    merchantId,
    shard: shardOf(orderId),
    status: 'pending_payment',
    createdAt: placed.createdAt,
    updatedAt: placed.createdAt,
    paymentIntentId: intent.id,
    paidAmount: 0,
    refundedAmount: 0,
    document: placed,
    version: 1,
  };
  const record: IdempotencyRecord = {
    scope: merchantId,
    keyHash: idemKeyHash,
    requestHash: hash,
    status: 'completed',
    responseStatus: answer.status,
    responseBody: JSON.stringify(answer.body),
    createdAt: placed.createdAt,
    ttl: Math.floor(now.getTime() / 1000) + idempotencyTtlSeconds,
  };
  const event = outboxEvent(
    OrderPlaced,
    {
      orderId,
      merchantId,
      market,
      total,
      settlementMerchandise: placed.settlement.merchandise,
      itemCount: placed.items.reduce((n, i) => n + i.quantity, 0),
      attribution: body.attribution ?? null,
      paymentIntentId: intent.id,
      placedAt: placed.createdAt,
      takeRateBps: placed.takeRateBps,
    },
    { correlationId: request.correlationId, now },
  );

  const outcome = await placeOrder(item, record, event);
  if (outcome === 'placed') return answer;
  if (outcome === 'order_exists') throw new ProblemError('idempotency_key_reused');
  // A concurrent request with the same key won the race: answer as it did (one extra read).
  const winner = await getIdempotencyRecord(merchantId, idemKeyHash);
  if (!winner) throw new ProblemError('idempotency_in_progress');
  return replay(winner, hash);
});
