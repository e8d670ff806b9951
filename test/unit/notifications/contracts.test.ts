import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventCatalogue } from '../../../events/catalogue.js';
import { serialize } from '../../../events/json-schemas.js';
import { webhookBody, webhookJsonSchemaFiles, webhookTypes, type webhookCatalogue } from '../../../events/webhooks/payloads.js';
import { notificationsOf, notifyingEvents, webhookPayload } from '../../../functions/notifications/mapping.js';
import { webhookTypes as endpointWebhookTypes } from '../../../functions/notifications/webhook-types.js';
import { manifest } from '../../../lib/manifest.js';

const eventsDir = fileURLToPath(new URL('../../../events/', import.meta.url));
const examples = (type: string) => JSON.parse(readFileSync(join(eventsDir, 'examples', `${type}.v1.json`), 'utf8')) as { detail: { metadata: { eventId: string; occurredAt: string }; data: never } };

describe('merchant webhook payload contracts', () => {
  it('checked-in JSON Schemas are exactly what the zod contracts generate (npm run webhooks:schemas)', () => {
    const generated = webhookJsonSchemaFiles();
    expect(readdirSync(join(eventsDir, 'webhooks', 'json-schema')).sort()).toEqual(generated.map((g) => g.file).sort());
    for (const { file, schema } of generated) expect(readFileSync(join(eventsDir, 'webhooks', 'json-schema', file), 'utf8')).toBe(serialize(schema));
  });

  it('lists exactly the event types of API.md', () => {
    expect(webhookTypes).toEqual([
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
    ]);
  });

  it('endpoints subscribe to exactly these types, in this order (the routes take the names without building the contracts)', () => {
    expect(endpointWebhookTypes).toEqual(webhookTypes);
  });

  it.each(notifyingEvents)('%s maps to payloads that satisfy their contract and carry no buyer data', (detailType) => {
    const example = examples(detailType);
    const notifications = notificationsOf(detailType, example.detail.data);
    expect(notifications.length).toBeGreaterThan(0);
    for (const notification of notifications) {
      const body = JSON.parse(webhookPayload(example.detail.metadata.eventId, example.detail.metadata.occurredAt, notification)) as { type: keyof typeof webhookCatalogue };
      expect(() => webhookBody(body.type).parse(body)).not.toThrow();
      expect(JSON.stringify(body)).not.toMatch(/email|phone|address|buyer|name|merchantId|paymentIntent|attribution/i);
    }
  });

  it('a fully refunded order raises refund.succeeded and order.refunded; a partial refund only the first', () => {
    const { data } = examples('OrderRefunded').detail as unknown as { data: Record<string, unknown> };
    const types = (fullyRefunded: boolean) => notificationsOf('OrderRefunded', { ...data, fullyRefunded } as never).map((n) => n.type);
    expect(types(true)).toEqual(['refund.succeeded', 'order.refunded']);
    expect(types(false)).toEqual(['refund.succeeded']);
  });

  it('the fan-out rule listens to exactly the mapped events, each in the catalogue', () => {
    const rule = manifest.rules.find((r) => r.target === 'fanOutWebhooks');
    expect([...(rule?.detailTypes ?? [])].sort()).toEqual([...notifyingEvents].sort());
    for (const detailType of notifyingEvents) expect(rule?.source).toContain(eventCatalogue[detailType].source);
  });
});
