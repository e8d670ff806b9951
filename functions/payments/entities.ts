/**
 * Payments entities on the single table (ElectroDB). Stripe events this backend could
 * not match to an order (another integration on the same Stripe account, or an order
 * that never appeared) are acknowledged and kept here for operators, newest first.
 */
import { Entity, type EntityItem } from 'electrodb';

const service = 'xborder';

/** How long unmatched Stripe events are kept for inspection. */
export const unmatchedStripeEventDays = 90;

export const unmatchedStripeEventEntity = new Entity({
  model: { entity: 'unmatchedStripeEvent', version: '1', service },
  attributes: {
    eventId: { type: 'string', required: true },
    type: { type: 'string', required: true },
    /** The event's `created`, ISO 8601. */
    createdAt: { type: 'string', required: true },
    livemode: { type: 'boolean', required: true },
    /** `data.object.id`: the PaymentIntent, charge or other object the event is about. */
    objectId: { type: 'string' },
    /** The order id its metadata names, when it names one of ours that does not exist. */
    orderId: { type: 'string' },
    reason: { type: ['not_ours', 'order_not_found'] as const, required: true },
    /** The event as received (verified, at most 256 KB). */
    event: { type: 'any', required: true },
    receivedAt: { type: 'string', required: true },
    ttl: { type: 'number', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['eventId'], template: 'STRIPEUNMATCHED#${eventId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'STRIPEUNMATCHED', casing: 'none' },
    },
    byTime: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'STRIPEUNMATCHED', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['receivedAt', 'eventId'], template: '${receivedAt}#${eventId}', casing: 'none' },
    },
  },
});
export type UnmatchedStripeEventItem = EntityItem<typeof unmatchedStripeEventEntity>;
