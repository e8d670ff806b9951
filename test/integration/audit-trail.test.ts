import type { Runtime } from '../../lib/local/runtime.js';
import { auditedDetailTypes, manifest } from '../../lib/manifest.js';
import { request, type Reply } from '../support/http.js';
import { enrolMerchant } from '../support/merchants.js';
import { startTestRuntime } from '../support/runtime.js';

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

    const events = await trail();
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

  it('the audit rule routes exactly the audited detail-types to recordAudit', () => {
    const rule = manifest.rules.find((r) => r.target === 'recordAudit');
    expect(rule?.detailTypes).toEqual(auditedDetailTypes);
    expect(new Set(auditedDetailTypes).size).toBe(auditedDetailTypes.length);
  });
});
