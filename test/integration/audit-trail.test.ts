import type { Runtime } from '../../lib/local/runtime.js';
import { auditedDetailTypes, manifest } from '../../lib/manifest.js';
import { eventually, request, type Reply } from '../support/http.js';
import { enrolMerchant } from '../support/merchants.js';
import { startTestRuntime } from '../support/runtime.js';
import { startReceiver } from '../support/webhook-receiver.js';

// Every change an operator or finance makes, through the local runtime over real HTTP:
// handler -> outbox (same transaction) -> stream relay -> bus -> AuditPlatformEvents rule ->
// recordAudit -> GET /v1/admin/audit-events, with who (actor), what and when.
let runtime: Runtime;
let stop: () => Promise<void>;
let adminKey: string;

type AuditEvent = {
  eventId: string;
  detailType: string;
  source: string;
  occurredAt: string;
  actor: { keyId: string; role: string } | null;
  data: Record<string, unknown>;
};

const ok = (reply: Reply, status: number): Record<string, unknown> => {
  if (reply.status !== status) throw new Error(`expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const trail = async (): Promise<AuditEvent[]> => {
  await runtime.settle();
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const page = ok(await request(runtime.url, 'GET', `/v1/admin/audit-events${query}`, { key: adminKey }), 200);
    events.push(...(page.data as AuditEvent[]));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return events;
};

beforeAll(async () => {
  ({ runtime, adminKey, stop } = await startTestRuntime('audit'));
});

afterAll(async () => {
  await stop();
});

/** Every detail-type the tests below saw in the trail: the last test checks none of the audited ones is left out. */
const seen = new Set<string>();

describe('the audit trail', () => {
  it('records every operator and finance change with who made it, what changed and when', async () => {
    const admin = { keyId: 'admin', role: 'admin' };
    // Operator changes.
    const merchant = await enrolMerchant(runtime.url, adminKey);
    const finance = ok(await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } }), 201);
    const financeKeyId = (finance.key as { id: string }).id;
    const partner = ok(await request(runtime.url, 'POST', '/v1/admin/logistics-partners', { key: adminKey, body: { code: 'AUDIT_EXP', name: 'Audit Express' } }), 201);
    const firstSecretId = ((partner.partner as { secrets: { id: string }[] }).secrets[0]?.id) ?? '';
    const rotated = ok(await request(runtime.url, 'POST', '/v1/admin/logistics-partners/AUDIT_EXP/secrets', { key: adminKey }), 201);
    const newSecretId = (rotated.secret as { id: string }).id;
    ok(await request(runtime.url, 'DELETE', `/v1/admin/logistics-partners/AUDIT_EXP/secrets/${firstSecretId}`, { key: adminKey }), 200);
    const agency = ok(await request(runtime.url, 'POST', '/v1/admin/agencies', { key: adminKey, body: { name: 'Hangzhou Star MCN', country: 'CN', feeBps: 2000 } }), 201);
    const agencyId = (agency.agency as { id: string }).id;
    const creator = ok(
      await request(runtime.url, 'POST', '/v1/admin/creators', {
        key: adminKey,
        body: {
          displayName: 'Lin Yue',
          taxResidency: 'resident',
          identityVerified: true,
          followers: 52_000,
          contract: { type: 'agency', agencyId, commissionRateBps: 1000, startsOn: '2026-11-01' },
          deductions: { monthlySpecial: '1500.00' },
        },
      }),
      201,
    );
    const creatorId = (creator.creator as { id: string }).id;
    ok(
      await request(runtime.url, 'PATCH', `/v1/admin/creators/${creatorId}`, {
        key: adminKey,
        body: { followers: 60_000, contract: { type: 'agency', agencyId, commissionRateBps: 1200, startsOn: '2026-11-01' } },
      }),
      200,
    );
    // A merchant rotates its key; the operator revokes the new one.
    const rotatedKey = ok(await request(runtime.url, 'POST', '/v1/api-keys/rotate', { key: merchant.apiKey }), 201);
    const newKeyId = (rotatedKey.key as { id: string }).id;
    ok(await request(runtime.url, 'DELETE', `/v1/admin/api-keys/${newKeyId}`, { key: adminKey }), 200);
    // Finance starts a payout run.
    const run = ok(await request(runtime.url, 'POST', '/v1/payout-runs', { key: String(finance.apiKey), body: { period: '2026-10' } }), 201);

    // The operator changes the merchant's take rate.
    ok(await request(runtime.url, 'PATCH', `/v1/admin/merchants/${merchant.merchantId}`, { key: adminKey, body: { takeRateBps: 350 } }), 200);

    const events = await trail();
    for (const e of events) seen.add(e.detailType);
    const one = (detailType: string, match: (e: AuditEvent) => boolean): AuditEvent => {
      const found = events.filter((e) => e.detailType === detailType && match(e));
      expect(found).toHaveLength(1);
      return found[0] as AuditEvent;
    };
    expect(one('MerchantEnrolled', (e) => e.data.merchantId === merchant.merchantId).actor).toEqual(admin);
    expect(one('ApiKeyCreated', (e) => e.data.tenantId === merchant.merchantId && e.data.createdBy === 'admin').actor).toEqual(admin);
    expect(one('ApiKeyCreated', (e) => e.data.keyId === financeKeyId).actor).toEqual(admin);
    expect(one('LogisticsPartnerRegistered', (e) => e.data.partnerCode === 'AUDIT_EXP').actor).toEqual(admin);
    expect(one('PartnerSecretRotated', (e) => e.data.partnerCode === 'AUDIT_EXP')).toMatchObject({
      actor: admin,
      data: { secretId: newSecretId, previousSecretIds: [firstSecretId], activeSecretIds: [firstSecretId, newSecretId] },
    });
    expect(one('PartnerSecretRetired', (e) => e.data.partnerCode === 'AUDIT_EXP')).toMatchObject({
      actor: admin,
      data: { secretId: firstSecretId, activeSecretIds: [newSecretId] },
    });
    expect(one('AgencyRegistered', (e) => e.data.agencyId === agencyId)).toMatchObject({ actor: admin, data: { feeBps: 2000 } });
    expect(one('CreatorRegistered', (e) => e.data.creatorId === creatorId)).toMatchObject({ actor: admin, data: { version: 1, contract: { agencyId } } });
    const changed = one('CreatorTermsChanged', (e) => e.data.creatorId === creatorId);
    expect(changed).toMatchObject({
      actor: admin,
      data: { previousVersion: 1, version: 2, previousContract: { commissionRateBps: 1000 }, contract: { commissionRateBps: 1200 } },
    });
    expect((changed.data.changed as string[]).sort()).toEqual(['contract', 'followers']);
    const rotation = one('ApiKeyRotated', (e) => e.data.keyId === newKeyId);
    expect(rotation.actor).toEqual({ keyId: rotation.data.previousKeyId, role: 'merchant' });
    expect(one('ApiKeyRevoked', (e) => e.data.keyId === newKeyId).actor).toEqual(admin);
    expect(one('PayoutRunRequested', (e) => e.data.runId === run.id)).toMatchObject({ actor: { keyId: financeKeyId, role: 'finance' }, data: { period: '2026-10' } });
    expect(one('MerchantTakeRateChanged', (e) => e.data.merchantId === merchant.merchantId)).toMatchObject({
      actor: admin,
      data: { previousTakeRateBps: 500, takeRateBps: 350, changedAt: expect.any(String) },
    });

    // Nothing secret reaches the trail: no keys, no partner secrets, no tax deductions.
    const text = JSON.stringify(events);
    for (const secret of [merchant.apiKey, String(finance.apiKey), String(partner.webhookSecret), String(rotated.webhookSecret), String(rotatedKey.apiKey)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('150000');
    // Newest first.
    const times = events.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("records a merchant's webhook endpoint changes and the platform disabling a failing endpoint, never a secret", async () => {
    const merchant = await enrolMerchant(runtime.url, adminKey);
    const key = merchant.apiKey;
    const keyId = (ok(await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}`, { key: adminKey }), 200).data as Array<{ id: string }>)[0]?.id;
    const actor = { keyId, role: 'merchant' };
    const failing = await startReceiver({ answer: () => 500 });
    try {
      const created = ok(
        await request(runtime.url, 'POST', '/v1/webhook-endpoints', { key, body: { url: `${failing.url}?token=s3cr3t-in-query`, events: ['order.paid', 'order.delivered'] } }),
        201,
      );
      const endpointId = (created.endpoint as { id: string }).id;
      const path = `/v1/webhook-endpoints/${endpointId}`;
      ok(await request(runtime.url, 'PATCH', path, { key, body: { events: ['order.paid'] } }), 200);
      const rolled = ok(await request(runtime.url, 'POST', `${path}/secret`, { key }), 201);
      const doomed = ok(await request(runtime.url, 'POST', '/v1/webhook-endpoints', { key, body: { url: 'http://127.0.0.1:9/gone', events: ['order.shipped'] } }), 201);
      const doomedId = (doomed.endpoint as { id: string }).id;
      expect((await request(runtime.url, 'DELETE', `/v1/webhook-endpoints/${doomedId}`, { key })).status).toBe(204);

      // Deliveries to the first endpoint fail; three days later (the local clock moved), the next failed attempt disables it.
      const orderId = 'ord_01JD5Q3ZK8Y0R6T1V2W3X4Y5AU';
      runtime.bus.put({
        Source: 'xborder.payments',
        DetailType: 'OrderPaid',
        Detail: JSON.stringify({
          metadata: { eventId: 'evt_AUDITDISABLE0000000000001', version: 1, occurredAt: new Date().toISOString(), correlationId: 'audit-disable' },
          data: { orderId, merchantId: merchant.merchantId, amount: { amount: 12259, currency: 'USD' }, paymentIntentId: 'pi_audit_disable', paidAt: new Date().toISOString() },
        }),
      });
      const delivery = await eventually(async () => {
        await runtime.settle();
        const log = ok(await request(runtime.url, 'GET', `${path}/deliveries`, { key }), 200).data as Array<{ id: string; attempts: number }>;
        return log[0]?.attempts === 1 ? log[0] : undefined;
      });
      ok(await request(runtime.url, 'POST', '/local/clock', { key: adminKey, body: { to: new Date(Date.now() + 3 * 86_400_000 + 60_000).toISOString() } }), 200);
      try {
        expect((await request(runtime.url, 'POST', `/v1/webhook-deliveries/${delivery.id}/retry`, { key })).status).toBe(202);
        await runtime.settle();
        expect(ok(await request(runtime.url, 'GET', path, { key }), 200).endpoint).toMatchObject({ status: 'disabled' });
      } finally {
        ok(await request(runtime.url, 'POST', '/local/clock', { key: adminKey, body: {} }), 200);
      }

      const events = await trail();
      for (const e of events) seen.add(e.detailType);
      const of = (detailType: string, id: string) => events.filter((e) => e.detailType === detailType && e.data.endpointId === id);
      const url = failing.url; // without the query string: receivers put tokens there
      expect(of('WebhookEndpointCreated', endpointId)).toEqual([
        expect.objectContaining({ actor, data: expect.objectContaining({ merchantId: merchant.merchantId, url, events: ['order.paid', 'order.delivered'], status: 'enabled' }) }),
      ]);
      expect(of('WebhookEndpointUpdated', endpointId)).toEqual([
        expect.objectContaining({
          actor,
          data: expect.objectContaining({ changed: ['events'], previous: { url, events: ['order.paid', 'order.delivered'], status: 'enabled' }, current: { url, events: ['order.paid'], status: 'enabled' } }),
        }),
      ]);
      expect(of('WebhookEndpointSecretRolled', endpointId)).toEqual([expect.objectContaining({ actor, data: expect.objectContaining({ previousExpiresAt: expect.any(String) }) })]);
      expect(of('WebhookEndpointDeleted', doomedId)).toEqual([expect.objectContaining({ actor, data: expect.objectContaining({ url: 'http://127.0.0.1:9/gone', events: ['order.shipped'] }) })]);
      // The platform, not a person, disabled it: no actor.
      expect(of('WebhookEndpointDisabled', endpointId)).toEqual([
        expect.objectContaining({ actor: null, data: expect.objectContaining({ merchantId: merchant.merchantId, lastResponseCode: 500 }) }),
      ]);
      const text = JSON.stringify(events);
      for (const secret of [String(created.secret), String(rolled.secret), key]) expect(text).not.toContain(secret);
      expect(text).not.toContain('s3cr3t-in-query');
    } finally {
      await failing.stop();
    }
  });

  it('every audited detail-type showed up in the trail above (an audited change without a test fails here)', () => {
    expect([...auditedDetailTypes].filter((t) => !seen.has(t))).toEqual([]);
  });

  it('the audit rule routes exactly the audited detail-types to recordAudit', () => {
    const rule = manifest.rules.find((r) => r.target === 'recordAudit');
    expect(rule?.detailTypes).toEqual(auditedDetailTypes);
    expect(new Set(auditedDetailTypes).size).toBe(auditedDetailTypes.length);
  });
});
