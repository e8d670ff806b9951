/**
 * The payloads merchants receive on their webhook endpoints: one versioned zod contract
 * per event type, the public counterpart of the internal event catalogue. Each body is
 * `{ id, type, createdAt, data }`; `data` carries ids, statuses, amounts and times the
 * merchant already knows from the API, and no buyer data at all (no names, emails,
 * phones or addresses). JSON Schemas in events/webhooks/json-schema/ are generated from
 * these (npm run webhooks:schemas); docs/merchant-webhooks.md documents them.
 */
import * as z from 'zod/mini';

const money = z.object({ amount: z.number().check(z.int()), currency: z.enum(['CNY', 'USD', 'HKD', 'MOP']) });
const orderId = z.string().check(z.startsWith('ord_'));
const parcel = {
  orderId,
  shipmentId: z.string().check(z.startsWith('shp_')),
  partnerCode: z.string(),
  trackingNumber: z.string(),
};

export const webhookCatalogue = {
  'order.paid': {
    version: 1,
    description: 'The buyer paid the order total; the order is `paid`.',
    data: z.object({ orderId, amount: money, paidAt: z.iso.datetime() }),
  },
  'order.payment_failed': {
    version: 1,
    description: 'A payment attempt failed; the order still awaits payment.',
    data: z.object({ orderId, reason: z.string(), failedAt: z.iso.datetime() }),
  },
  'order.cancelled': {
    version: 1,
    description: 'The order was cancelled; `refunded` is the amount returned when it had been paid.',
    data: z.object({ orderId, previousStatus: z.enum(['pending_payment', 'paid']), refunded: z.nullable(money), cancelledAt: z.iso.datetime() }),
  },
  'order.shipped': {
    version: 1,
    description: 'The first parcel of the order was picked up; the order is `shipped`.',
    data: z.object({ orderId, shippedAt: z.iso.datetime() }),
  },
  'order.delivered': {
    version: 1,
    description: 'Every parcel of the order was delivered; the order is `delivered`.',
    data: z.object({ orderId, deliveredAt: z.iso.datetime() }),
  },
  'order.refunded': {
    version: 1,
    description: 'The order was refunded in full; the order is `refunded`.',
    data: z.object({ orderId, refundedTotal: money, paidTotal: money, refundedAt: z.iso.datetime() }),
  },
  'refund.succeeded': {
    version: 1,
    description: 'A refund (partial or full) reached the buyer.',
    data: z.object({
      orderId,
      refundId: z.string(),
      amount: money,
      refundedTotal: money,
      fullyRefunded: z.boolean(),
      source: z.enum(['api', 'cancel', 'stripe']),
      refundedAt: z.iso.datetime(),
    }),
  },
  'shipment.status_changed': {
    version: 1,
    description: "A parcel's tracking status changed (normalized statuses, API.md).",
    data: z.object({
      ...parcel,
      previousStatus: z.string(),
      status: z.string(),
      terminal: z.boolean(),
      statusAt: z.iso.datetime(),
    }),
  },
  'shipment.stalled': {
    version: 1,
    description: 'A parcel in transit had no tracking event for 72 hours.',
    data: z.object({ ...parcel, status: z.string(), lastActivityAt: z.iso.datetime(), detectedAt: z.iso.datetime() }),
  },
  'settlement.available': {
    version: 1,
    description: "Proceeds of a delivered order are accrued to the merchant's balance (DOMAIN.md, Merchant settlement).",
    data: z.object({ orderId, net: money, availableOn: z.iso.date(), accruedAt: z.iso.datetime() }),
  },
} as const satisfies Record<string, { version: number; description: string; data: z.ZodMiniType }>;

export type WebhookType = keyof typeof webhookCatalogue;
export const webhookTypes = Object.keys(webhookCatalogue) as [WebhookType, ...WebhookType[]];
export type WebhookDataOf<T extends WebhookType> = z.infer<(typeof webhookCatalogue)[T]['data']>;

/** The body of one delivery: `id` is the event's id (the same on every endpoint), `createdAt` when it happened. */
export const webhookBody = <T extends WebhookType>(type: T) =>
  z.strictObject({ id: z.string().check(z.startsWith('evt_')), type: z.literal(type), createdAt: z.iso.datetime(), data: webhookCatalogue[type].data });

/** File name and JSON Schema (draft 2020-12) of each payload contract. */
export const webhookJsonSchemaFiles = (): Array<{ file: string; schema: unknown }> =>
  webhookTypes.map((type) => ({
    file: `${type}.v${webhookCatalogue[type].version}.json`,
    schema: {
      ...z.toJSONSchema(webhookBody(type), { target: 'draft-2020-12' }),
      $id: `urn:xborder:webhooks:${type}:v${webhookCatalogue[type].version}`,
      title: type,
      description: webhookCatalogue[type].description,
    },
  }));
