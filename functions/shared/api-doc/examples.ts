/**
 * Realistic examples for the OpenAPI document (what Swagger UI at /docs shows and pre-fills in
 * "Try it out"): a Hangzhou tea and knitwear merchant, its SKUs with real HS codes (0902.10
 * green tea, 6110.20 cotton knitwear, 6214.10 silk scarves), buyers in Seattle, Hong Kong and
 * Macau, SF Express parcels on real flight designators. One story, so ids match across
 * operations. Each request example is parsed with the handler's own schema, and each answer
 * example with its documented schema, by test/unit/platform/openapi.test.ts: they cannot drift.
 *
 * Answers that the API computes (an order's landed cost) are computed here by the same code
 * (landed-cost.ts, orderView) from the request example and the default pricing configuration.
 */
import { quote } from '../../orders/landed-cost.js';
import { orderView, type OrderState, type PlacedOrder } from '../../orders/order.js';
import { defaultPricingConfig } from '../../orders/pricing-config.js';

export const ids = {
  merchant: 'mer_01JDA7Q3ZK8Y0R6T1V2W3X4Y5M',
  order: 'ord_01JDA9C4QW7E2R5T8Y1U3I6O9P',
  creator: 'cre_01JDA8B2NM4K6J8H0G2F4D6S8A',
  agency: 'agy_01JDA8A1XC3V5B7N9M1Q3W5E7R',
  shipment: 'shp_01JDAB5T7Y9U1I3O5P7A9S1D3F',
  financeKey: 'key_01JDA7R4T6Y8U0I2O4P6A8S0DF',
  merchantKey: 'key_01JDA7Q3ZK8Y0R6T1V2W3X4Y5K',
  partnerSecret: 'whs_01JDA7V5B7N9M1Q3W5E7R9T1YU',
  paymentIntent: 'pi_3QJ8fK2eZvKYlo2C0x7dT1aB',
  endpoint: 'we_01JDAD7K9M1N3P5Q7R9S1T3V5W',
  delivery: 'msg_5f0c8a1e2b3d4c6f8a9b0c1d2e3f4a5b',
} as const;

const placedAt = '2026-11-20T08:15:30.000Z';

export const merchantEnrolment = {
  name: 'Hangzhou West Lake Tea & Knitwear Co., Ltd.',
  uscc: '91440300708461136T',
  contactEmail: 'export@westlake-tea.example.cn',
  markets: ['US', 'HK', 'MO'],
} as const;

export const products = {
  'LJ-TEA-250G': {
    title: { en: 'Longjing (Dragon Well) green tea, 250 g tin', zh: '西湖龙井绿茶 250 克罐装' },
    brand: 'West Lake Tea',
    hsCode: '090210',
    originCountry: 'CN',
    price: { amount: 12800, currency: 'CNY' },
    weightGrams: 320,
  },
  'KNIT-CARDIGAN-M': {
    title: { en: 'Cotton knit cardigan, oatmeal, size M', zh: '纯棉针织开衫 燕麦色 M 码' },
    brand: 'Tongxiang Knitworks',
    hsCode: '611020',
    originCountry: 'CN',
    price: { amount: 36900, currency: 'CNY' },
    weightGrams: 480,
  },
  'SZ-SILK-SCARF-90': {
    title: { en: 'Mulberry silk scarf, 90 x 90 cm', zh: '桑蚕丝方巾 90 x 90 厘米' },
    brand: 'Suzhou Silk Road',
    hsCode: '621410',
    originCountry: 'CN',
    price: { amount: 45900, currency: 'CNY' },
    weightGrams: 120,
  },
} as const;

export const buyers = {
  US: {
    name: 'Emily Carter',
    email: 'emily.carter@example.com',
    phone: '+1 206 555 0143',
    address: { line1: '1420 5th Ave', line2: 'Apt 1203', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' },
  },
  HK: {
    name: '陳大文',
    email: 'chan.taiman@example.hk',
    phone: '+852 5123 4567',
    address: { line1: 'Flat 12B, Tower 2, Harbour View Gardens', line2: '18 Harbour Road', city: 'Wan Chai', region: 'Hong Kong Island', country: 'HK' },
  },
  MO: {
    name: '黃小玲',
    email: 'wong.siuling@example.mo',
    phone: '+853 6612 3456',
    address: { line1: 'Avenida da Praia Grande 429, 8 andar A', city: 'Macau', country: 'MO' },
  },
} as const;

const orderItems = [
  { sku: 'LJ-TEA-250G', quantity: 2 },
  { sku: 'KNIT-CARDIGAN-M', quantity: 1 },
] as const;

export const orderRequests = {
  US: { currency: 'USD', buyer: buyers.US, items: orderItems, attribution: { creatorId: ids.creator, postId: 'post_8841207' } },
  HK: { currency: 'HKD', buyer: buyers.HK, items: orderItems },
  MO: { currency: 'MOP', buyer: buyers.MO, items: [{ sku: 'SZ-SILK-SCARF-90', quantity: 1 }] },
} as const;

/** The US order as the API answers it: priced by the same code, at the default FX rate and rate card. */
const placedUsOrder = (): PlacedOrder => {
  const lines = orderItems.map(({ sku, quantity }) => {
    const product = products[sku];
    return { sku, quantity, unitPriceFen: product.price.amount, hsCode: product.hsCode, originCountry: product.originCountry, weightGrams: product.weightGrams, title: product.title };
  });
  const priced = quote({ market: 'US', currency: 'USD', lines, at: new Date(placedAt) }, defaultPricingConfig);
  const usd = (amount: number) => ({ amount, currency: 'USD' as const });
  const cny = (amount: number) => ({ amount, currency: 'CNY' as const });
  return {
    id: ids.order,
    merchantId: ids.merchant,
    market: 'US',
    currency: 'USD',
    buyer: buyers.US,
    items: priced.lines.map((l) => ({ sku: l.sku, title: l.title, quantity: l.quantity, unitPrice: cny(l.unitPriceFen), hsCode: l.hsCode, originCountry: l.originCountry, weightGrams: l.weightGrams })),
    totals: { merchandise: usd(priced.merchandise), shipping: usd(priced.shipping), duties: usd(priced.duties), total: usd(priced.total) },
    settlement: { merchandise: cny(priced.settlementMerchandiseFen), shipping: cny(priced.shippingFen), fxRate: priced.fxRate },
    customs: {
      exportMode: '9610',
      chargeableWeightGrams: priced.chargeableWeightGrams,
      items: priced.lines.map((l) => ({ sku: l.sku, hsCode: l.hsCode, originCountry: l.originCountry, quantity: l.quantity, declaredValue: cny(l.lineFen), dutyRateBps: l.dutyRateBps })),
    },
    payment: { provider: 'stripe', paymentIntentId: ids.paymentIntent, clientSecret: `${ids.paymentIntent}_secret_Vq3nX8sLr2Yt` },
    attribution: orderRequests.US.attribution,
    createdAt: placedAt,
  };
};

const usOrder = (state: Partial<OrderState>) => {
  const placed = placedUsOrder();
  return orderView({ placed, status: 'pending_payment', version: 1, paidAmount: 0, refundedAmount: 0, refunds: [], updatedAt: placedAt, ...state });
};

export const trackingNumber = 'SF1402877341203';

export const orderAnswers = {
  placed: () => usOrder({}),
  shipped: () => {
    const total = placedUsOrder().totals.total.amount;
    return usOrder({
      status: 'shipped',
      version: 4,
      paidAmount: total,
      paidAt: '2026-11-20T08:17:02.000Z',
      shippedAt: '2026-11-21T01:05:00.000Z',
      updatedAt: '2026-11-21T01:05:00.000Z',
      shipments: [{ id: ids.shipment, partnerCode: 'SFEXPRESS', trackingNumber, status: 'departed', statusAt: '2026-11-21T02:40:00.000Z' }],
    });
  },
};

export const refundRequest = { amount: { amount: 1250, currency: 'USD' }, reason: 'One tin arrived dented; partial refund agreed with the buyer' } as const;

export const shipmentBooking = { partnerCode: 'SFEXPRESS', trackingNumber } as const;

export const partnerEvents = {
  events: [
    {
      eventId: 'sf-88412001',
      trackingNumber,
      status: 'picked_up',
      occurredAt: '2026-11-21T01:05:00.000Z',
      location: { country: 'CN', city: 'Hangzhou' },
      description: 'Picked up from the shipper, Xihu District',
    },
    {
      eventId: 'sf-88412002',
      trackingNumber,
      status: 'departed',
      occurredAt: '2026-11-21T02:40:00.000Z',
      location: { country: 'CN', city: 'Shanghai', iata: 'PVG' },
      flight: { number: 'CX 365', origin: 'PVG', destination: 'HKG' },
      description: 'Departed Shanghai Pudong',
    },
    {
      eventId: 'sf-88412003',
      trackingNumber,
      status: 'arrived',
      occurredAt: '2026-11-21T05:10:00.000Z',
      location: { country: 'HK', city: 'Hong Kong', iata: 'HKG' },
      flight: { number: 'CX365', origin: 'PVG', destination: 'HKG' },
    },
  ],
} as const;

export const trackingAnswer = {
  trackingNumber,
  status: 'departed',
  events: [
    { status: 'picked_up', occurredAt: '2026-11-21T01:05:00.000Z', location: { country: 'CN', city: 'Hangzhou' }, description: 'Picked up from the shipper, Xihu District' },
    { status: 'departed', occurredAt: '2026-11-21T02:40:00.000Z', location: { country: 'CN', city: 'Shanghai', iata: 'PVG' }, flight: { number: 'CX365', origin: 'PVG', destination: 'HKG' }, description: 'Departed Shanghai Pudong' },
    { status: 'arrived', occurredAt: '2026-11-21T05:10:00.000Z', location: { country: 'HK', city: 'Hong Kong', iata: 'HKG' }, flight: { number: 'CX365', origin: 'PVG', destination: 'HKG' } },
    { status: 'departed', occurredAt: '2026-11-21T14:25:00.000Z', location: { country: 'HK', city: 'Hong Kong', iata: 'HKG' }, flight: { number: 'CX880', origin: 'HKG', destination: 'LAX' }, description: 'Departed Hong Kong for Los Angeles' },
  ],
  currentFlight: { number: 'CX880', origin: 'HKG', destination: 'LAX' },
};

export const intakeAnswer = { accepted: 3, duplicates: 0, unknownTrackingNumbers: [], rejected: [] };

export const shipmentAnswer = {
  shipment: { id: ids.shipment, orderId: ids.order, partnerCode: 'SFEXPRESS', trackingNumber, status: 'label_created', bookedAt: '2026-11-20T09:02:11.000Z' },
};

export const productAnswer = {
  product: { sku: 'LJ-TEA-250G', ...products['LJ-TEA-250G'], createdAt: '2026-11-18T03:12:45.000Z', updatedAt: '2026-11-18T03:12:45.000Z' },
};

export const merchantView = {
  id: ids.merchant,
  ...merchantEnrolment,
  status: 'active',
  takeRateBps: 500,
  createdAt: '2026-11-18T02:30:00.000Z',
};
export const merchantEnrolledAnswer = { merchant: merchantView, apiKey: 'xbk_V1StGXR8Z5jdHi6BmyT3q9Lw0pKcNfAe' };

export const apiKeyRequests = {
  finance: { role: 'finance' },
  merchant: { role: 'merchant', merchantId: ids.merchant },
} as const;

export const partnerRegistration = { code: 'SFEXPRESS', name: 'SF Express (International)' } as const;

export const partnerRegisteredAnswer = {
  partner: { code: 'SFEXPRESS', name: partnerRegistration.name, createdAt: '2026-11-18T02:41:00.000Z', secrets: [{ id: ids.partnerSecret, createdAt: '2026-11-18T02:41:00.000Z' }] },
  webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export const payoutRunRequest = { period: '2026-11' } as const;

export const payoutRunAnswer = {
  id: 'run_2026-11',
  period: '2026-11',
  status: 'completed',
  totals: {
    gross: { amount: 1_284_600, currency: 'CNY' },
    agencyFees: { amount: 256_920, currency: 'CNY' },
    taxWithheld: { amount: 30_831, currency: 'CNY' },
    net: { amount: 996_849, currency: 'CNY' },
  },
  lineCount: 37,
  createdAt: '2026-12-01T19:00:04.000Z',
  completedAt: '2026-12-01T19:00:41.000Z',
};

export const takeRateChange = { takeRateBps: 450 } as const;

export const stripeEventExample = {
  id: 'evt_3QJ8fK2eZvKYlo2C1m4nQ7Rs',
  object: 'event',
  type: 'payment_intent.succeeded',
  created: 1_763_626_622,
  livemode: false,
  data: {
    object: { id: ids.paymentIntent, object: 'payment_intent', amount: 9136, currency: 'usd', status: 'succeeded', metadata: { orderId: ids.order, merchantId: ids.merchant } },
  },
};

export const agencyRegistration = { name: 'Hangzhou Starlight Media MCN 杭州星光传媒', country: 'CN', feeBps: 2000 } as const;

const creatorContract = { type: 'agency', agencyId: ids.agency, commissionRateBps: 1000, startsOn: '2026-11-01' } as const;
export const creatorRegistration = {
  displayName: 'Lin Yue 林悦',
  taxResidency: 'resident',
  identityVerified: true,
  followers: 52000,
  contract: creatorContract,
  deductions: { monthlySpecial: '1500.00', monthlySpecialAdditional: '2000.00' },
} as const;
export const creatorChange = { followers: 61000, contract: { ...creatorContract, commissionRateBps: 1200 } } as const;

export const webhookEndpointRequest = {
  url: 'https://shop.westlake-tea.example.cn/hooks/xborder',
  events: ['order.paid', 'order.shipped', 'order.delivered', 'refund.succeeded'],
} as const;

export const webhookEndpointChange = { events: ['order.paid', 'order.delivered'], status: 'enabled' } as const;

/** Ids by the collection a path parameter `{id}` names (the first path segment after /v1/ or /v1/admin/). */
const idsByCollection: Readonly<Record<string, string>> = {
  orders: ids.order,
  creators: ids.creator,
  merchants: ids.merchant,
  'api-keys': ids.financeKey,
  'payout-runs': 'run_2026-11',
  'webhook-endpoints': ids.endpoint,
  'webhook-deliveries': ids.delivery,
};
const byName: Readonly<Record<string, string>> = {
  sku: 'LJ-TEA-250G',
  trackingNumber,
  partnerCode: 'SFEXPRESS',
  code: 'SFEXPRESS',
  secretId: ids.partnerSecret,
  period: '2026-11',
};

/** What "Try it out" pre-fills for a path parameter of a route (ids of the story above), if anything. */
export const pathParameterExample = (path: string, name: string): string | undefined => {
  if (name === 'id') return idsByCollection[/^\/v1\/(?:admin\/)?([^/]+)/.exec(path)?.[1] ?? ''];
  return byName[name];
};
