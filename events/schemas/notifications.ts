import * as z from 'zod';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

/**
 * A merchant webhook delivery is due (first attempt, a retry, or an operator's or
 * merchant's manual retry). An EventBridge rule puts it on the delivery queue; the
 * dispatcher reads the delivery record, so the event carries ids only.
 */
export const WebhookDeliveryScheduledV1 = eventDetail(
  1,
  z.object({
    deliveryId: z.string().startsWith('msg_'),
    endpointId: z.string().startsWith('we_'),
    merchantId: z.string().startsWith('mer_'),
    attempt: z.number().int().nonnegative(),
    scheduledAt: z.iso.datetime(),
  }),
);

/** An endpoint failed every delivery for three days straight and was disabled (operators are told). */
export const WebhookEndpointDisabledV1 = eventDetail(
  1,
  z.object({
    endpointId: z.string().startsWith('we_'),
    merchantId: z.string().startsWith('mer_'),
    failingSince: z.iso.datetime(),
    disabledAt: z.iso.datetime(),
    lastResponseCode: z.number().int().nullable(),
  }),
);

// Contracts: detail-type, source and version of each schema above.

export const WebhookDeliveryScheduled = defineEvent('WebhookDeliveryScheduled', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookDeliveryScheduledV1,
  description: 'A merchant webhook delivery is due; a rule puts it on the delivery queue (ids only).',
});

export const WebhookEndpointDisabled = defineEvent('WebhookEndpointDisabled', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookEndpointDisabledV1,
  description: 'A merchant webhook endpoint failed for three days straight and was disabled.',
});
