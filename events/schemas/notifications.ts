import * as z from 'zod/mini';
import { defineEvent } from '../define.js';
import { eventDetail } from '../envelope.js';
import { eventSources } from '../sources.js';

/**
 * A merchant webhook delivery is due (first attempt, a retry, or an operator's or
 * merchant's manual retry). An EventBridge rule puts it on the delivery queue; the
 * dispatcher reads the delivery record, so the event carries ids only.
 */
export const WebhookDeliveryScheduledV1 = () => eventDetail(
  1,
  z.object({
    deliveryId: z.string().check(z.startsWith('msg_')),
    endpointId: z.string().check(z.startsWith('we_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    attempt: z.number().check(z.int(), z.nonnegative()),
    scheduledAt: z.iso.datetime(),
  }),
);

/** An endpoint failed every delivery for three days straight and was disabled (operators are told). */
export const WebhookEndpointDisabledV1 = () => eventDetail(
  1,
  z.object({
    endpointId: z.string().check(z.startsWith('we_')),
    merchantId: z.string().check(z.startsWith('mer_')),
    failingSince: z.iso.datetime(),
    disabledAt: z.iso.datetime(),
    lastResponseCode: z.nullable(z.number().check(z.int())),
  }),
);

// The audit events' shared parts are functions, like the event schemas: built with the schema
// that uses them, on its first use (define.ts), not by every bundle that imports this file
// (the delivery functions import it for WebhookDeliveryScheduled and never use them).
const endpointId = () => z.string().check(z.startsWith('we_'));
const merchantId = () => z.string().check(z.startsWith('mer_'));
const webhookTypeList = () => z.array(z.string().check(z.minLength(1))).check(z.maxLength(32));

/**
 * An endpoint URL as the audit trail keeps it: scheme, host, port and path. The query string and
 * fragment are left out: receivers often put a token there, and an event never carries a secret.
 */
const auditedUrl = () => z.string().check(z.maxLength(2048), z.describe('the URL without its query string or fragment'));

/** What an endpoint is, before or after a change (never its secrets). */
const endpointState = () => z.object({ url: auditedUrl(), events: webhookTypeList(), status: z.enum(['enabled', 'disabled']) });

/** A merchant registered a webhook endpoint (audit trail; the secret is never in the event). */
export const WebhookEndpointCreatedV1 = () => eventDetail(
  1,
  z.object({ endpointId: endpointId(), merchantId: merchantId(), ...endpointState().shape, createdAt: z.iso.datetime() }),
);

/** A merchant changed an endpoint's url, events or status: `changed` names the fields, `previous` and `current` are before and after. */
export const WebhookEndpointUpdatedV1 = () => eventDetail(
  1,
  z.object({
    endpointId: endpointId(),
    merchantId: merchantId(),
    changed: z.array(z.enum(['url', 'events', 'status'])).check(z.maxLength(3)),
    previous: endpointState(),
    current: endpointState(),
    updatedAt: z.iso.datetime(),
  }),
);

/** A merchant deleted an endpoint: what it was when deleted. */
export const WebhookEndpointDeletedV1 = () => eventDetail(
  1,
  z.object({ endpointId: endpointId(), merchantId: merchantId(), ...endpointState().shape, deletedAt: z.iso.datetime() }),
);

/** A merchant rolled an endpoint's signing secret: the previous one signs until `previousExpiresAt` (no secret in the event). */
export const WebhookEndpointSecretRolledV1 = () => eventDetail(
  1,
  z.object({
    endpointId: endpointId(),
    merchantId: merchantId(),
    previousExpiresAt: z.nullable(z.iso.datetime()).check(z.describe('when the previous secret stops signing; null when there was none')),
    rolledAt: z.iso.datetime(),
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

export const WebhookEndpointCreated = defineEvent('WebhookEndpointCreated', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookEndpointCreatedV1,
  description: 'A merchant registered a webhook endpoint (audit trail; never the secret).',
});

export const WebhookEndpointUpdated = defineEvent('WebhookEndpointUpdated', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookEndpointUpdatedV1,
  description: "A merchant changed a webhook endpoint's url, events or status: before and after (audit trail).",
});

export const WebhookEndpointDeleted = defineEvent('WebhookEndpointDeleted', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookEndpointDeletedV1,
  description: 'A merchant deleted a webhook endpoint (audit trail).',
});

export const WebhookEndpointSecretRolled = defineEvent('WebhookEndpointSecretRolled', {
  source: eventSources.platform,
  version: 1,
  schema: WebhookEndpointSecretRolledV1,
  description: "A merchant rolled a webhook endpoint's signing secret; the old one signs for 24 more hours (audit trail; never a secret).",
});
