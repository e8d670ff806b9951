import type { Runtime } from '../../lib/local/runtime.js';
import { request } from '../support/http.js';
import { enrolMerchant, randomUscc } from '../support/merchants.js';
import { startTestRuntime } from '../support/runtime.js';

// The API key lifecycle through the local runtime over real HTTP on DynamoDB Local: issue
// (finance and merchant), list, revoke (effective once the auth cache's minute is over),
// rotate with a 24-hour overlap, and re-enrolment answering the existing merchant's id.
let runtime: Runtime;
let stop: () => Promise<void>;
let adminKey: string;

type KeyView = { id: string; role: string; merchantId?: string; last4: string; status: string; expiresAt?: string; revokedAt?: string };
type AuditEvent = { detailType: string; actor: { keyId: string; role: string } | null; data: Record<string, unknown> };

/** Moves the business clock (functions/shared/clock.ts) that auth and key expiry read. */
const travel = (ms: number): void => {
  process.env.CLOCK_OFFSET_MS = String(Number(process.env.CLOCK_OFFSET_MS ?? 0) + ms);
};
const minute = 60_000;
const hour = 60 * minute;

const issue = async (body: unknown) => request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body });
const canList = async (key: string) => (await request(runtime.url, 'GET', '/v1/products', { key })).status;
const audit = async (): Promise<AuditEvent[]> => {
  await runtime.settle();
  const reply = await request(runtime.url, 'GET', '/v1/admin/audit-events?limit=100', { key: adminKey });
  expect(reply.status).toBe(200);
  return reply.body.data as AuditEvent[];
};

beforeAll(async () => {
  ({ runtime, adminKey, stop } = await startTestRuntime('apikeys'));
});

afterEach(() => {
  delete process.env.CLOCK_OFFSET_MS;
});

afterAll(async () => {
  await stop();
});

describe('issuing keys', () => {
  it('issues a finance key and another key of an enrolled merchant, each shown once with its last 4 characters', async () => {
    const merchant = await enrolMerchant(runtime.url, adminKey);
    const finance = await issue({ role: 'finance' });
    expect(finance.status).toBe(201);
    const financeKey = String(finance.body.apiKey);
    expect(finance.body.key).toEqual({ id: expect.stringMatching(/^key_/), role: 'finance', createdAt: expect.any(String), last4: financeKey.slice(-4) });

    const second = await issue({ role: 'merchant', merchantId: merchant.merchantId });
    expect(second.status).toBe(201);
    expect(second.body.key).toMatchObject({ role: 'merchant', merchantId: merchant.merchantId, last4: String(second.body.apiKey).slice(-4) });
    expect(await canList(String(second.body.apiKey))).toBe(200);
    expect(await canList(financeKey)).toBe(403);
  });

  it('refuses a merchant key for a merchant that does not exist (404) and roles it cannot issue (400)', async () => {
    expect((await issue({ role: 'merchant', merchantId: 'mer_01NOSUCHMERCHANT0000000000' })).status).toBe(404);
    const admin = await issue({ role: 'admin' });
    expect(admin.status).toBe(400);
    expect(admin.body.code).toBe('validation_failed');
    expect((await issue({ role: 'merchant' })).status).toBe(400);
    expect((await issue({ role: 'finance', merchantId: 'mer_1' })).status).toBe(400);
  });
});

describe('listing keys', () => {
  it("filters by role and merchant, pages with signed cursors, and never shows a key or its hash", async () => {
    const merchant = await enrolMerchant(runtime.url, adminKey);
    const extra = await issue({ role: 'merchant', merchantId: merchant.merchantId });
    const other = await enrolMerchant(runtime.url, adminKey);

    const mine = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}`, { key: adminKey });
    expect(mine.status).toBe(200);
    const keys = mine.body.data as KeyView[];
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.merchantId === merchant.merchantId && k.role === 'merchant' && k.status === 'active')).toBe(true);
    expect(keys.map((k) => k.last4).sort()).toEqual([merchant.apiKey.slice(-4), String(extra.body.apiKey).slice(-4)].sort());
    const text = JSON.stringify(mine.body);
    expect(text).not.toContain(merchant.apiKey);
    expect(text).not.toContain(String(extra.body.apiKey));
    expect(text).not.toMatch(/[0-9a-f]{64}/);

    const finance = await request(runtime.url, 'GET', '/v1/admin/api-keys?role=finance&limit=100', { key: adminKey });
    expect((finance.body.data as KeyView[]).every((k) => k.role === 'finance')).toBe(true);

    const first = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}&limit=1`, { key: adminKey });
    const cursor = String(first.body.nextCursor);
    const next = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}&limit=1&cursor=${encodeURIComponent(cursor)}`, { key: adminKey });
    expect([...(first.body.data as KeyView[]), ...(next.body.data as KeyView[])].map((k) => k.id).sort()).toEqual(keys.map((k) => k.id).sort());
    // A cursor belongs to the list that issued it: another merchant's list refuses it.
    const foreign = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${other.merchantId}&cursor=${encodeURIComponent(cursor)}`, { key: adminKey });
    expect(foreign.status).toBe(400);
    const mixed = await request(runtime.url, 'GET', `/v1/admin/api-keys?role=finance&merchantId=${merchant.merchantId}`, { key: adminKey });
    expect(mixed.status).toBe(400);
  });
});

describe('revoking a key', () => {
  it('stops the key within the auth cache minute, answers a second revocation the same, and audits it once', async () => {
    const merchant = await enrolMerchant(runtime.url, adminKey);
    expect(await canList(merchant.apiKey)).toBe(200); // now in the auth cache
    const listed = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}`, { key: adminKey });
    const keyId = (listed.body.data as KeyView[])[0]?.id ?? '';

    const revoked = await request(runtime.url, 'DELETE', `/v1/admin/api-keys/${keyId}`, { key: adminKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body.key).toMatchObject({ id: keyId, status: 'revoked', revokedAt: expect.any(String) });
    travel(minute + 1_000);
    const refused = await request(runtime.url, 'GET', '/v1/products', { key: merchant.apiKey });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('unauthenticated');

    const again = await request(runtime.url, 'DELETE', `/v1/admin/api-keys/${keyId}`, { key: adminKey });
    expect(again.status).toBe(200);
    expect((again.body.key as KeyView).revokedAt).toBe((revoked.body.key as KeyView).revokedAt);
    const events = (await audit()).filter((e) => e.detailType === 'ApiKeyRevoked' && e.data.keyId === keyId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: { keyId: 'admin', role: 'admin' }, data: { tenantId: merchant.merchantId, role: 'merchant' } });

    expect((await request(runtime.url, 'DELETE', '/v1/admin/api-keys/key_01NOSUCHKEY', { key: adminKey })).status).toBe(404);
    expect((await request(runtime.url, 'DELETE', '/v1/admin/api-keys/admin', { key: adminKey })).status).toBe(400);
  });
});

describe('rotating a merchant key', () => {
  it('issues a new key; the old one works for 24 hours, then stops; a rotated key cannot rotate again', async () => {
    const merchant = await enrolMerchant(runtime.url, adminKey);
    const rotated = await request(runtime.url, 'POST', '/v1/api-keys/rotate', { key: merchant.apiKey });
    expect(rotated.status).toBe(201);
    const newKey = String(rotated.body.apiKey);
    expect(newKey).not.toBe(merchant.apiKey);
    expect(rotated.body.key).toMatchObject({ role: 'merchant', merchantId: merchant.merchantId, status: 'active', last4: newKey.slice(-4) });
    expect(await canList(newKey)).toBe(200);
    expect(await canList(merchant.apiKey)).toBe(200);

    const twice = await request(runtime.url, 'POST', '/v1/api-keys/rotate', { key: merchant.apiKey });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('invalid_state');

    travel(23 * hour);
    expect(await canList(merchant.apiKey)).toBe(200);
    travel(hour + minute);
    expect(await canList(merchant.apiKey)).toBe(401);
    expect(await canList(newKey)).toBe(200);

    const listed = await request(runtime.url, 'GET', `/v1/admin/api-keys?merchantId=${merchant.merchantId}`, { key: adminKey });
    expect((listed.body.data as KeyView[]).map((k) => k.status).sort()).toEqual(['active', 'expired']);
    const event = (await audit()).find((e) => e.detailType === 'ApiKeyRotated' && e.data.keyId === (rotated.body.key as KeyView).id);
    expect(event?.actor?.role).toBe('merchant');
    expect(event?.data.previousKeyId).toBe(event?.actor?.keyId);

    expect((await request(runtime.url, 'POST', '/v1/api-keys/rotate', { key: adminKey })).status).toBe(403);
  });
});

describe('enrolment', () => {
  it("answers 409 with the existing merchant's id when the same USCC enrols again", async () => {
    const uscc = randomUscc();
    const body = { name: 'Ningbo Ceramics Ltd.', uscc, contactEmail: 'trade@ningbo-ceramics.example.cn', markets: ['US'] };
    const first = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body });
    expect(first.status).toBe(201);
    const again = await request(runtime.url, 'POST', '/v1/admin/merchants', { key: adminKey, body: { ...body, uscc: uscc.toLowerCase(), markets: ['HK'] } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_exists', merchantId: (first.body.merchant as { id: string }).id });
    expect(String(again.body.detail)).toContain((first.body.merchant as { id: string }).id);
  });
});
