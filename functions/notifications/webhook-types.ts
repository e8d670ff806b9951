/**
 * The webhook event types an endpoint subscribes to, by name. The payload contracts in
 * events/webhooks/payloads.ts build some 45 zod schemas at import, and only the fan-out uses
 * them: the endpoint routes take the names from here. test/unit/notifications/contracts.test.ts
 * holds this list to the catalogue's keys, in its order (the order of the enum in the
 * OpenAPI document).
 */
import type { WebhookType } from '../../events/webhooks/payloads.js';

export const webhookTypes = [
  'order.paid',
  'order.payment_failed',
  'order.cancelled',
  'order.shipped',
  'order.delivered',
  'order.refunded',
  'refund.succeeded',
  'shipment.status_changed',
  'shipment.stalled',
  'settlement.available',
] as const satisfies readonly WebhookType[];
