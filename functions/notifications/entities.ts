/**
 * Merchant webhook entities on the single table: the layout oracle the plain items in
 * webhook-items.ts are held to (test/unit/notifications/plain-writes.test.ts); no handler
 * imports them. Access patterns
 * (docs/merchant-webhooks.md, "Storage"):
 * - a merchant's endpoints: Query `WHEP#<merchantId>` (at most `maxEndpointsPerMerchant`);
 * - how many endpoints a merchant has: GetItem `WHEPN#<merchantId>` (the limit's counter);
 * - one delivery: GetItem `WHDL#<deliveryId>`;
 * - an endpoint's deliveries, newest first: Query gsi1 `WHEPDL#<endpointId>`;
 * - deliveries due for a retry: Query gsi2 `WHDUE#<bucket>` with sk <= now, over
 *   `dueBuckets` buckets (a sparse index: only pending deliveries are in it).
 */
import { Entity } from 'electrodb';

const service = 'xborder';

export const webhookEndpointEntity = new Entity({
  model: { entity: 'merchantWebhookEndpoint', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    endpointId: { type: 'string', required: true },
    url: { type: 'string', required: true },
    events: { type: 'list', items: { type: 'string' }, required: true },
    status: { type: ['enabled', 'disabled'] as const, required: true },
    /** Why it is disabled: by the merchant, or after three days of failed deliveries. */
    disabledReason: { type: 'string' },
    /** `[{ sealed, createdAt, expiresAt? }]`: one, or two during a 24 h rollover. Never returned. */
    secrets: { type: 'any', required: true },
    /** The first failed attempt since the last success (cleared by a success). */
    failingSince: { type: 'string' },
    createdAt: { type: 'string', required: true },
    updatedAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byMerchant: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'WHEP#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: ['endpointId'], template: 'WHEP#${endpointId}', casing: 'none' },
    },
  },
});

/**
 * How many endpoints a merchant has: changed in the same transaction as every create (ADD 1,
 * conditioned on `endpoints < maxEndpointsPerMerchant`) and delete (minus 1), so concurrent
 * creates can never pass the limit (decision 0042). Created on first use from a Query of the
 * merchant's endpoints (merchants whose endpoints predate the counter).
 */
export const webhookEndpointCountEntity = new Entity({
  model: { entity: 'merchantWebhookEndpointCount', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    endpoints: { type: 'number', required: true },
  },
  indexes: {
    byMerchant: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'WHEPN#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'WHEPN', casing: 'none' },
    },
  },
});

export const merchantWebhookDeliveryEntity = new Entity({
  model: { entity: 'merchantWebhookDelivery', version: '1', service },
  attributes: {
    deliveryId: { type: 'string', required: true },
    endpointId: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
    eventId: { type: 'string', required: true },
    type: { type: 'string', required: true },
    /** The exact JSON body sent on every attempt (signed as is). */
    payload: { type: 'string', required: true },
    status: { type: ['pending', 'succeeded', 'failed'] as const, required: true },
    attempts: { type: 'number', required: true },
    lastResponseCode: { type: 'number' },
    lastError: { type: 'string' },
    lastAttemptAt: { type: 'string' },
    /** Pending: when the next attempt is due (or the current attempt's lease ends). Otherwise when it ended. */
    nextAttemptAt: { type: 'string', required: true },
    /** When the current retry window (>= 24 h) began: creation, or a manual retry. */
    windowStartedAt: { type: 'string', required: true },
    /** `attempts` when the window began: the retry schedule counts attempts from here. */
    retryFrom: { type: 'number', required: true },
    bucket: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['deliveryId'], template: 'WHDL#${deliveryId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'WHDL', casing: 'none' },
    },
    byEndpoint: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['endpointId'], template: 'WHEPDL#${endpointId}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'deliveryId'], template: '${createdAt}#${deliveryId}', casing: 'none' },
    },
    due: {
      index: 'gsi2',
      condition: (attributes) => attributes.status === 'pending',
      pk: { field: 'gsi2pk', composite: ['bucket'], template: 'WHDUE#${bucket}', casing: 'none' },
      sk: { field: 'gsi2sk', composite: ['nextAttemptAt', 'deliveryId'], template: '${nextAttemptAt}#${deliveryId}', casing: 'none' },
    },
  },
});
