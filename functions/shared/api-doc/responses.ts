/**
 * Zod schemas of what the handlers answer, for the OpenAPI document only (requests are
 * validated by the handlers' own schemas, which the document imports; nothing here is
 * used to validate a request). Each schema mirrors a view function or a handler's
 * literal answer; test/unit/platform/openapi.test.ts parses real answers with them.
 *
 * `.check(z.meta({ id }))` names a schema as a component (`#/components/schemas/<id>`):
 * zod-to-openapi reads zod 4's own metadata (zod-to-openapi.ts lets it read zod/mini schemas).
 * `.check()` returns a copy: the imported request schemas are left as they are. Unlike classic
 * `.meta()`, a copy keeps the `id` of a `z.meta` check it inherits, so a schema named here is
 * never re-described or extended: the variant is built from the same parts (`cnyAs`, `refundRecordShape`).
 */
import * as z from 'zod/mini';
import { markets, orderStatuses } from '../../orders/order.js';
import { skuSchema } from '../../orders/sku.js';
import { createOrderBody } from '../../orders/order-requests.js';
import { productBody } from '../../orders/product.js';
import { problemStatus, type ProblemCode } from '../errors.js';
import { moneySchema } from '../money.js';

const timestamp = z.iso.datetime().check(z.meta({ description: 'ISO 8601 timestamp, UTC', example: '2026-11-20T08:15:30.000Z' }));
const id = (prefix: string, example: string) =>
  z.string().check(z.meta({ description: `Opaque ID with the \`${prefix}_\` prefix; do not parse it.`, example }));

export const money = moneySchema().check(
  z.meta({
    id: 'Money',
    description: 'An amount in the minor unit of its currency (fen, cents, avos).',
    example: { amount: 12345, currency: 'USD' },
  }),
);
const moneyCnyMeta = { description: 'An amount in fen (CNY minor unit).', example: { amount: 9900, currency: 'CNY' } };
export const moneyCny = moneySchema('CNY').check(z.meta({ id: 'MoneyCNY', ...moneyCnyMeta }));
/** A CNY amount with its own description, inline (not the MoneyCNY component): the example of MoneyCNY. */
const cnyAs = (description: string) => moneySchema('CNY').check(z.meta({ ...moneyCnyMeta, description }));

/** `nextCursor` of an answer whose lines come in pages (0024, 0053). */
export const nextLinesCursor = z.nullable(z.string()).check(z.meta({ description: 'Pass as `cursor` for the next page of lines; `null` on the last.' }));

/** How a paged answer with lines pages (0024, 0053), for an operation's description. */
export const pagedLines = (what: string, csv: boolean): string =>
  `Up to 5,000 lines and about 5 MB per response: a larger ${what} pages with \`cursor\` (${csv ? 'JSON `nextCursor`; CSV `x-next-cursor` and `link` headers, BOM and header on the first page only' : '`nextCursor`'}).`;

/** A signed CNY amount (a reversal, a carried-in negative total). */
export const signedCny = z.object({ amount: z.number().check(z.int()), currency: z.literal('CNY') }).check(z.meta({ description: 'Money in CNY fen; negative for reversals and carried-in losses.' }));

const page = <T extends z.ZodMiniType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z.nullable(z.string()).check(z.meta({ description: 'Pass as `cursor` for the next page; `null` on the last page.' })),
    })
    .check(z.meta({ id: name, description: 'One page of a list, newest or first items first.' }));

export const health = z.object({ status: z.literal('ok') }).check(z.meta({ id: 'Health' }));

export const apiKeyAnswer = z
  .object({
    apiKey: z.string().check(z.meta({ description: 'The key itself: shown in this answer only, stored as a hash.', example: 'xbk_…' })),
    key: z.object({
      id: id('key', 'key_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
      role: z.enum(['finance', 'merchant']),
      merchantId: z.optional(id('mer', 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E')),
      createdAt: timestamp,
      last4: z.string().check(z.length(4), z.meta({ description: 'The last 4 characters of the key, to recognise it.', example: 'a1B2' })),
    }),
  })
  .check(z.meta({ id: 'ApiKeyIssued' }));

export const merchantEnrolled = z
  .object({
    merchant: z.object({
      id: id('mer', 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
      name: z.string(),
      uscc: z.string().check(z.meta({ description: 'Unified Social Credit Code, upper case.' })),
      contactEmail: z.email(),
      markets: z.array(z.enum(markets)),
      status: z.enum(['active', 'suspended']),
      takeRateBps: z.number().check(z.int(), z.meta({ description: "The platform's take on merchandise, basis points (orders snapshot it)." })),
      createdAt: timestamp,
    }),
    apiKey: z.string().check(z.meta({ description: "The merchant's API key: shown in this answer only." })),
  })
  .check(z.meta({ id: 'MerchantEnrolled' }));

export const auditEvent = z
  .object({
    eventId: z.string(),
    source: z.string().check(z.meta({ example: 'xborder.platform' })),
    detailType: z.string().check(z.meta({ example: 'MerchantEnrolled' })),
    occurredAt: timestamp,
    actor: z
      .nullable(z.object({ keyId: z.string().check(z.meta({ example: 'admin' })), role: z.enum(['admin', 'merchant', 'finance']) }))
      .check(z.meta({ description: 'Who made the change: the API key (id and role); null when the system did.' })),
    correlationId: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .check(z.meta({ id: 'AuditEvent' }));
export const auditEventPage = page(auditEvent, 'AuditEventPage');

export const product = z
  .object({ sku: skuSchema, ...productBody.shape, createdAt: timestamp, updatedAt: timestamp })
  .check(z.meta({ id: 'Product' }));
export const productAnswer = z.object({ product }).check(z.meta({ id: 'ProductAnswer' }));
export const productPage = page(product, 'ProductPage');

const orderCurrency = createOrderBody.shape.currency;
const paymentError = z.object({ code: z.string(), message: z.string() });

const refundRecordShape = {
  id: id('ref', 'ref_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
  amount: money,
  reason: z.string(),
  source: z.enum(['api', 'cancel', 'stripe']).check(z.meta({ description: 'This API, a cancellation, or the Stripe dashboard.' })),
  stripeRefundId: z.nullable(z.string()),
  createdAt: timestamp,
};
export const refundRecord = z.object(refundRecordShape).check(z.meta({ id: 'RefundRecord' }));

export const shipment = z
  .object({
    id: id('shp', 'shp_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
    partnerCode: z.string(),
    trackingNumber: z.string(),
    status: z.string().check(z.meta({ description: 'Latest normalized tracking status.' })),
  })
  .check(z.meta({ id: 'Shipment' }));

export const order = z
  .object({
    id: id('ord', 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
    status: z.enum(orderStatuses),
    market: z.enum(markets),
    currency: orderCurrency,
    buyer: createOrderBody.shape.buyer,
    items: z.array(
      z.object({
        sku: skuSchema,
        title: productBody.shape.title,
        quantity: z.number().check(z.int(), z.gte(1)),
        unitPrice: moneyCny,
        hsCode: z.string(),
        originCountry: z.string(),
        weightGrams: z.number().check(z.int()),
      }),
    ),
    totals: z
      .object({ merchandise: money, shipping: money, duties: money, total: money })
      .check(z.meta({ description: 'In the order currency. `total` = merchandise + shipping + duties, exactly what Stripe charges.' })),
    settlement: z.object({
      merchandise: moneyCny,
      shipping: moneyCny,
      fxRate: z.string().check(z.meta({ description: 'CNY per 1 unit of the order currency, decimal string.', example: '7.1500' })),
    }),
    customs: z.object({
      exportMode: z.literal('9610').check(z.meta({ description: 'China customs cross-border e-commerce B2C export mode.' })),
      chargeableWeightGrams: z.number().check(z.int()),
      items: z.array(
        z.object({
          sku: skuSchema,
          hsCode: z.string(),
          originCountry: z.string(),
          quantity: z.number().check(z.int()),
          declaredValue: moneyCny,
          dutyRateBps: z.number().check(z.int()),
        }),
      ),
    }),
    payment: z.object({
      provider: z.literal('stripe'),
      paymentIntentId: z.string(),
      clientSecret: z.string().check(z.meta({ description: 'For Stripe.js on the buyer side (confirmCardPayment).' })),
      paid: money,
      refunded: money,
      lastError: z.optional(paymentError),
    }),
    refunds: z.array(refundRecord),
    attribution: createOrderBody.shape.attribution,
    createdAt: timestamp,
    updatedAt: timestamp,
    paidAt: z.optional(timestamp),
    cancelledAt: z.optional(timestamp),
    shipments: z.array(shipment),
  })
  .check(z.meta({ id: 'Order' }));
export const orderPage = page(order, 'OrderPage');

export const refundAnswer = z
  .object({
    refund: z.object({
      ...refundRecordShape,
      orderId: id('ord', 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
      status: z.literal('succeeded'),
    }),
  })
  .check(z.meta({ id: 'RefundAnswer' }));

/** What Stripe posts: an Event object (https://docs.stripe.com/api/events/object), verified, never trusted unsigned. */
export const stripeEvent = z
  .object({
    id: z.string().check(z.meta({ example: 'evt_1QAbCdEfGhIjKlMn' })),
    type: z.string().check(z.meta({ example: 'payment_intent.succeeded' })),
    data: z.object({ object: z.record(z.string(), z.unknown()) }),
  })
  .check(z.meta({ id: 'StripeEvent', description: 'A Stripe Event; other fields as Stripe sends them.' }));
export const stripeReceived = z.object({ received: z.literal(true) }).check(z.meta({ id: 'WebhookReceived' }));

export const problemCodes = Object.keys(problemStatus) as ProblemCode[];

export const problem = z
  .object({
    type: z.string().check(z.meta({ example: '/problems/validation_failed' })),
    title: z.string().check(z.meta({ description: 'Localized (Accept-Language: English, or Simplified Chinese for zh-CN).' })),
    status: z.number().check(z.int()),
    code: z.enum(problemCodes).check(z.meta({ description: 'Stable machine code.' })),
    detail: z.string().check(z.meta({ description: 'Localized.' })),
    instance: z.optional(z.string()).check(z.meta({ description: 'The request path.' })),
    errors: z
      .optional(z.array(z.object({ path: z.string(), message: z.string() })))
      .check(z.meta({ description: 'Every invalid field (`validation_failed`).' })),
  })
  .check(z.meta({ id: 'Problem', description: 'RFC 9457 problem details.' }));

export const openApiSchema = z
  .record(z.string(), z.unknown())
  .check(z.meta({ description: 'This OpenAPI 3.1 document.' }));
export const text = z.string();

const partner = z
  .object({
    code: z.string().check(z.meta({ example: 'SFEXPRESS' })),
    name: z.string(),
    createdAt: timestamp,
    secrets: z.array(z.object({ id: z.string(), createdAt: timestamp })).check(z.meta({ description: 'Active webhook secrets (ids only): one, or two during a rollover.' })),
  })
  .check(z.meta({ id: 'LogisticsPartner' }));
const webhookSecret = z.string().check(z.meta({ description: 'Standard Webhooks secret (`whsec_` + base64), shown once.', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }));
export const partnerRegistered = z.object({ partner, webhookSecret }).check(z.meta({ id: 'LogisticsPartnerRegistered' }));
export const partnerSecretIssued = z
  .object({ partner, secret: z.object({ id: z.string(), createdAt: timestamp }), webhookSecret })
  .check(z.meta({ id: 'LogisticsPartnerSecretIssued' }));
export const partnerAnswer = z.object({ partner }).check(z.meta({ id: 'LogisticsPartnerAnswer' }));
export const shipmentAnswer = z
  .object({
    shipment: z.object({ id: z.string(), orderId: z.string(), partnerCode: z.string(), trackingNumber: z.string(), status: z.string(), bookedAt: timestamp }),
  })
  .check(z.meta({ id: 'ShipmentAnswer' }));
export const intakeAnswer = z
  .object({
    accepted: z.number().check(z.int(), z.meta({ description: 'New events applied to booked shipments.' })),
    duplicates: z.number().check(z.int(), z.meta({ description: 'Events already received from this partner (earlier, or earlier in this batch).' })),
    unknownTrackingNumbers: z.array(z.string()).check(z.meta({ description: 'Numbers no booked shipment has; their events are kept for inspection.' })),
    rejected: z
      .array(
        z.object({
          index: z.number().check(z.int(), z.meta({ description: 'Position of the event in the batch (from 0).' })),
          eventId: z.optional(z.string()),
          code: z.enum(['validation_failed', 'occurred_at_in_future']),
          errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
        }),
      )
      .check(z.meta({ description: 'Events left out because they are wrong on their own; the rest of the batch was applied.' })),
  })
  .check(z.meta({ id: 'TrackingIntakeResult' }));
const flight = z.object({ number: z.string(), origin: z.string(), destination: z.string() });
export const tracking = z
  .object({
    trackingNumber: z.string(),
    status: z.string(),
    events: z.array(
      z.object({
        status: z.string(),
        occurredAt: timestamp,
        location: z.optional(z.object({ country: z.string(), city: z.optional(z.string()), iata: z.optional(z.string()) })),
        flight: z.optional(flight),
        description: z.optional(z.string()),
      }),
    ),
    currentFlight: z.optional(flight),
  })
  .check(z.meta({ id: 'Tracking' }));

export const unknownTrackingPage = page(
  z.object({ trackingNumber: z.string(), eventId: z.string(), receivedAt: timestamp, event: z.record(z.string(), z.unknown()) }).check(z.meta({ id: 'UnknownTrackingEvent' })),
  'UnknownTrackingPage',
);

export const agencyAnswer = z
  .object({ agency: z.object({ id: z.string(), name: z.string(), country: z.string(), feeBps: z.number().check(z.int()), createdAt: timestamp }) })
  .check(z.meta({ id: 'AgencyAnswer' }));
export const creatorAnswer = z
  .object({
    creator: z.object({
      id: z.string(),
      displayName: z.string(),
      taxResidency: z.enum(['resident', 'non_resident']),
      identityVerified: z.boolean(),
      followers: z.number().check(z.int()),
      eligible: z.boolean().check(z.meta({ description: 'Identity verified and at least 1,000 followers.' })),
      contract: z.object({ type: z.enum(['agency', 'personal']), agencyId: z.nullable(z.string()), commissionRateBps: z.number().check(z.int()), startsOn: z.string() }),
      deductions: z.object({ monthlySpecial: z.string(), monthlySpecialAdditional: z.string() }),
      lowIncomeRule: z.boolean(),
      version: z.number().check(z.int(), z.meta({ description: 'Terms version; every change is a new one, valid from then on.' })),
      createdAt: timestamp,
      updatedAt: timestamp,
    }),
  })
  .check(z.meta({ id: 'CreatorAnswer' }));
export const payoutRun = z
  .object({
    id: z.string().check(z.meta({ example: 'run_2026-10' })),
    period: z.string().check(z.meta({ example: '2026-10' })),
    status: z.enum(['running', 'completed']),
    totals: z.object({ gross: moneyCny, agencyFees: moneyCny, taxWithheld: moneyCny, net: moneyCny }),
    lineCount: z.number().check(z.int()),
    createdAt: timestamp,
    completedAt: z.optional(timestamp),
  })
  .check(z.meta({ id: 'PayoutRun' }));
const payoutLine = z.object({
  creatorId: z.string(),
  displayName: z.string(),
  agencyId: z.nullable(z.string()),
  contractType: z.enum(['agency', 'personal']),
  taxResidency: z.enum(['resident', 'non_resident']),
  incomeCategory: z.enum(['wages', 'labor_remuneration']),
  gross: moneyCny,
  agencyFee: moneyCny,
  taxableIncome: moneyCny,
  taxWithheld: moneyCny,
  net: moneyCny,
});
export const payoutReport = z
  .object({
    run: payoutRun,
    lines: z.array(payoutLine),
    agencies: z
      .optional(
        z.array(
          z.object({
            agencyId: z.string(),
            agencyName: z.nullable(z.string()),
            creators: z.number().check(z.int()),
            gross: moneyCny,
            agencyFees: moneyCny,
            taxWithheld: moneyCny,
            net: moneyCny,
            transfer: cnyAs('What to transfer to the agency (its creators\' gross).'),
            taxToRemit: cnyAs('The tax the agency must remit.'),
          }),
        ),
      )
      .check(z.meta({ description: 'Only when the report comes whole (one page).' })),
    nextCursor: z.optional(z.nullable(z.string())).check(z.meta({ description: 'Pass as `cursor` for the next page of lines; `null` on the last.' })),
  })
  .check(z.meta({ id: 'PayoutReport' }));

export const csvText = z.string().check(
  z.meta({
    description: 'CSV: UTF-8 with a BOM, RFC 4180, a header row, amounts as decimal yuan strings.',
    example: '\uFEFFcreator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny\r\n',
  }),
);

/** `300` of `GET /v1/tracking/{trackingNumber}`: the partners whose parcels share the number. */
export const trackingChoices = z
  .object({
    trackingNumber: z.string(),
    choices: z.array(z.object({ partnerCode: z.string(), href: z.string().check(z.meta({ description: 'This route with `?partner=CODE`.' })) })),
  })
  .check(z.meta({ id: 'TrackingChoices' }));
export const unmatchedStripeEvent = z
  .object({
    eventId: z.string().check(z.meta({ example: 'evt_1QAbCdEfGhIjKlMn' })),
    type: z.string().check(z.meta({ example: 'payment_intent.succeeded' })),
    createdAt: timestamp.check(z.meta({ description: 'When Stripe created the event (when it was received, if it said nothing).' })),
    livemode: z.boolean(),
    objectId: z.nullable(z.string()).check(z.meta({ description: 'The PaymentIntent, charge or other object the event is about.' })),
    orderId: z.nullable(z.string()).check(z.meta({ description: 'The order its metadata names, when that order does not exist.' })),
    reason: z.enum(['not_ours', 'order_not_found']).check(
      z.meta({
        description: '`not_ours`: no order of this platform (another integration on the Stripe account); `order_not_found`: it named an order that did not appear within an hour.',
      }),
    ),
    receivedAt: timestamp,
    event: z.record(z.string(), z.unknown()).check(z.meta({ description: 'The event as Stripe sent it.' })),
  })
  .check(z.meta({ id: 'UnmatchedStripeEvent' }));
export const unmatchedStripeEventPage = page(unmatchedStripeEvent, 'UnmatchedStripeEventPage');
export const apiKey = z
  .object({
    id: id('key', 'key_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
    role: z.enum(['admin', 'merchant', 'finance']),
    merchantId: z.optional(id('mer', 'mer_01JD3Q4T7V8X9Y0Z1A2B3C4D5E')),
    createdAt: timestamp,
    createdBy: z.string().check(z.meta({ description: 'The key id that issued it (`admin` = the root operator key).', example: 'admin' })),
    last4: z.string().check(z.length(4), z.meta({ example: 'a1B2' })),
    status: z.enum(['active', 'expiring', 'expired', 'revoked']).check(z.meta({ description: '`expiring`: rotated, works until `expiresAt`.' })),
    expiresAt: z.optional(timestamp),
    revokedAt: z.optional(timestamp),
    replacedBy: z.optional(id('key', 'key_01JD3Q4T7V8X9Y0Z1A2B3C4D5F')),
  })
  .check(z.meta({ id: 'ApiKey', description: 'An API key as operators see it: never the key or its hash.' }));
export const apiKeyPage = page(apiKey, 'ApiKeyPage');
export const apiKeyAnswerOne = z.object({ key: apiKey }).check(z.meta({ id: 'ApiKeyAnswer' }));
export const apiKeyRotated = z
  .object({
    apiKey: z.string().check(z.meta({ description: 'The new key: shown in this answer only. The calling key works 24 more hours.', example: 'xbk_…' })),
    key: apiKey,
  })
  .check(z.meta({ id: 'ApiKeyRotated' }));

// Operator reads: the same views the write routes answer, as lists and single resources.
export const merchantPage = page(merchantEnrolled.shape.merchant, 'MerchantPage');
export const merchantAnswer = z.object({ merchant: merchantEnrolled.shape.merchant }).check(z.meta({ id: 'MerchantAnswer' }));
export const partnerPage = page(partner, 'LogisticsPartnerPage');
export const agencyPage = page(agencyAnswer.shape.agency, 'AgencyPage');
export const creatorPage = page(creatorAnswer.shape.creator, 'CreatorPage');
const commissionEntry = z.object({
  id: id('cen', 'cen_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
  orderId: id('ord', 'ord_01JD3Q4T7V8X9Y0Z1A2B3C4D5E'),
  kind: z.enum(['accrual', 'reversal']),
  amount: signedCny.check(z.meta({ description: 'Positive for an accrual, negative for a reversal.' })),
  period: z.string().check(z.meta({ description: 'The period it is payable in.', example: '2026-11' })),
  createdAt: timestamp,
});
export const creatorWithEntries = z
  .object({
    creator: creatorAnswer.shape.creator,
    commissionEntries: z.object({ data: z.array(commissionEntry), nextCursor: z.nullable(z.string()) }),
  })
  .check(z.meta({ id: 'CreatorWithCommissionEntries' }));
export const payoutRunPage = page(payoutRun, 'PayoutRunPage');
export const payoutLineDetail = z
  .object({
    runId: z.string().check(z.meta({ example: 'run_2026-10' })),
    period: z.string().check(z.meta({ example: '2026-10' })),
    coversPeriods: z.object({ from: z.string(), to: z.string() }).check(z.meta({ description: 'The periods whose payable entries the run settled (catch-up).' })),
    creatorId: z.string(),
    gross: moneyCny,
    entriesTotal: signedCny,
    carriedIn: signedCny.check(z.meta({ description: 'gross - entriesTotal: a negative total carried in from earlier runs.' })),
    entries: z.array(
      z.object({
        entryId: z.string(),
        orderId: z.string(),
        kind: z.enum(['accrual', 'reversal']),
        amount: signedCny,
        period: z.string(),
        createdAt: timestamp,
      }),
    ),
    truncated: z.boolean().check(z.meta({ description: 'More than 1,000 entries: the first 1,000 are listed.' })),
    orders: z.array(
      z.object({
        orderId: z.string(),
        merchantId: z.nullable(z.string()),
        status: z.nullable(z.string()),
        createdAt: z.nullable(timestamp),
        deliveredAt: z.nullable(timestamp),
        commissionRateBps: z.nullable(z.number().check(z.int())),
        commission: moneyCny,
        reversed: moneyCny,
      }),
    ),
  })
  .check(z.meta({ id: 'PayoutLineDetail' }));
