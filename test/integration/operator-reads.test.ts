import { randomUUID } from 'node:crypto';
import { newId } from '../../functions/shared/ids.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { readFileSync } from 'node:fs';
import { request } from '../support/http.js';
import { answerViolations, type OpenApi } from '../support/openapi-validate.js';
import { enrolMerchant } from '../support/merchants.js';
import { startTestRuntime } from '../support/runtime.js';

// Operators read what they created, through the local runtime over real HTTP on DynamoDB
// Local: lists paged with signed cursors (every item once, in order), single resources,
// a creator with its commission entries, and never a secret.
let runtime: Runtime;
let stop: () => Promise<void>;
let adminKey: string;

type Item = Record<string, unknown> & { id?: string; code?: string };

/** Every item of a list, page by page at `limit`, checking each page's size. */
const readAll = async (path: string, limit: number): Promise<{ items: Item[]; pages: number }> => {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const reply = await request(runtime.url, 'GET', `${path}${query}`, { key: adminKey });
    expect(reply.status).toBe(200);
    const data = reply.body.data as Item[];
    expect(data.length).toBeLessThanOrEqual(limit);
    items.push(...data);
    cursor = reply.body.nextCursor as string | null;
    pages += 1;
  } while (cursor && pages < 50);
  return { items, pages };
};

const created = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
  const reply = await request(runtime.url, 'POST', path, { key: adminKey, body });
  if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
};

const creatorBody = (agencyId: string | null) => ({
  displayName: `Creator ${randomUUID().slice(0, 6)}`,
  taxResidency: 'resident',
  identityVerified: true,
  followers: 12_000,
  contract: agencyId ? { type: 'agency', agencyId, commissionRateBps: 1000, startsOn: '2026-11-01' } : { type: 'personal', commissionRateBps: 800, startsOn: '2026-11-01' },
});

beforeAll(async () => {
  ({ runtime, adminKey, stop } = await startTestRuntime('opreads'));
});

afterAll(async () => {
  await stop();
});

describe('operator reads', () => {
  it('lists merchants newest first across pages, each once, and reads one', async () => {
    const enrolled = [];
    for (let i = 0; i < 5; i += 1) enrolled.push(await enrolMerchant(runtime.url, adminKey));
    const { items, pages } = await readAll('/v1/admin/merchants', 2);
    expect(pages).toBe(3);
    expect(items.map((m) => m.id)).toEqual(enrolled.map((m) => m.merchantId).reverse());
    expect(items[0]).toEqual({
      id: enrolled[4]?.merchantId,
      name: expect.any(String),
      uscc: expect.any(String),
      contactEmail: expect.any(String),
      markets: expect.any(Array),
      status: 'active',
      takeRateBps: 500,
      createdAt: expect.any(String),
    });

    const one = await request(runtime.url, 'GET', `/v1/admin/merchants/${enrolled[0]?.merchantId}`, { key: adminKey });
    expect(one.status).toBe(200);
    expect(one.body.merchant).toEqual(items[4]);
    expect((await request(runtime.url, 'GET', '/v1/admin/merchants/mer_01NOSUCHMERCHANT', { key: adminKey })).status).toBe(404);
    expect((await request(runtime.url, 'GET', `/v1/admin/merchants/mer_${'x'.repeat(3000)}`, { key: adminKey })).status).toBe(400);
    const asMerchant = await request(runtime.url, 'GET', '/v1/admin/merchants', { key: enrolled[0]?.apiKey ?? '' });
    expect(asMerchant.status).toBe(403);
  });

  it('lists logistics partners by code with secret ids, never a secret', async () => {
    const secrets: string[] = [];
    for (const code of ['ZTO_READ', 'CAINIAO_READ', 'SF_READ']) {
      secrets.push(String((await created('/v1/admin/logistics-partners', { code, name: `Partner ${code}` })).webhookSecret));
    }
    const { items } = await readAll('/v1/admin/logistics-partners', 2);
    expect(items.map((p) => p.code)).toEqual(['CAINIAO_READ', 'SF_READ', 'ZTO_READ']);
    expect(items[0]).toEqual({ code: 'CAINIAO_READ', name: 'Partner CAINIAO_READ', createdAt: expect.any(String), secrets: [{ id: expect.stringMatching(/^whs_/), createdAt: expect.any(String) }] });
    const text = JSON.stringify(items);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(6, 30));
    }
    expect(text).not.toContain('sealed');
  });

  it('lists agencies and creators, and reads a creator with its commission entries', async () => {
    const agencyIds: string[] = [];
    for (const name of ['Hangzhou Star MCN', 'Yiwu Live Studio']) {
      agencyIds.push((((await created('/v1/admin/agencies', { name, country: 'CN', feeBps: 1500 })).agency) as { id: string }).id);
    }
    const agencies = await readAll('/v1/admin/agencies', 1);
    expect(agencies.items.map((a) => a.id)).toEqual([...agencyIds].reverse());
    expect(agencies.items[1]).toEqual({ id: agencyIds[0], name: 'Hangzhou Star MCN', country: 'CN', feeBps: 1500, createdAt: expect.any(String) });

    const creatorIds: string[] = [];
    for (const agencyId of [agencyIds[0] ?? null, null, agencyIds[1] ?? null]) {
      creatorIds.push(((await created('/v1/admin/creators', creatorBody(agencyId))).creator as { id: string }).id);
    }
    // A change of terms keeps the creator's place in the list (ordered by registration).
    const patched = await request(runtime.url, 'PATCH', `/v1/admin/creators/${creatorIds[0]}`, { key: adminKey, body: { followers: 20_000 } });
    expect(patched.status).toBe(200);
    const creators = await readAll('/v1/admin/creators', 2);
    expect(creators.items.map((c) => c.id)).toEqual([...creatorIds].reverse());
    expect(creators.items[2]).toEqual(patched.body.creator);

    // Two delivered orders attributed to the first creator accrue two entries.
    const orders = [newId('ord'), newId('ord')];
    for (const orderId of orders) {
      await runtime.invoke('accrueCommission', {
        version: '0',
        id: randomUUID(),
        'detail-type': 'OrderDelivered',
        source: 'xborder.orders',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'local',
        resources: [],
        detail: {
          metadata: { eventId: newId('evt'), version: 1, occurredAt: new Date().toISOString(), correlationId: 'operator-reads' },
          data: {
            orderId,
            merchantId: 'mer_01TEST',
            placedAt: new Date().toISOString(),
            deliveredAt: new Date().toISOString(),
            settlementMerchandise: { amount: 50_000, currency: 'CNY' },
            attribution: { creatorId: creatorIds[0] },
          },
        },
      });
    }
    const first = await request(runtime.url, 'GET', `/v1/admin/creators/${creatorIds[0]}?limit=1`, { key: adminKey });
    expect(first.status).toBe(200);
    expect(first.body.creator).toMatchObject({ id: creatorIds[0], followers: 20_000, version: 2 });
    const page1 = first.body.commissionEntries as { data: Item[]; nextCursor: string | null };
    expect(page1.data).toHaveLength(1);
    expect(page1.data[0]).toEqual({
      id: expect.stringMatching(/^cen_/),
      orderId: orders[1],
      kind: 'accrual',
      amount: { amount: 5_000, currency: 'CNY' },
      period: expect.stringMatching(/^\d{4}-\d{2}$/),
      createdAt: expect.any(String),
    });
    const second = await request(runtime.url, 'GET', `/v1/admin/creators/${creatorIds[0]}?limit=1&cursor=${encodeURIComponent(String(page1.nextCursor))}`, {
      key: adminKey,
    });
    expect((second.body.commissionEntries as { data: Item[] }).data.map((e) => e.orderId)).toEqual([orders[0]]);
    // The entries' cursor belongs to that creator.
    const foreign = await request(runtime.url, 'GET', `/v1/admin/creators/${creatorIds[1]}?cursor=${encodeURIComponent(String(page1.nextCursor))}`, { key: adminKey });
    expect(foreign.status).toBe(400);
    const none = await request(runtime.url, 'GET', `/v1/admin/creators/${creatorIds[1]}`, { key: adminKey });
    expect(none.body.commissionEntries).toEqual({ data: [], nextCursor: null });
    expect((await request(runtime.url, 'GET', '/v1/admin/creators/cre_01NOSUCHCREATOR', { key: adminKey })).status).toBe(404);

    // A refund reverses part of a commission: a negative entry, as the document describes it.
    const refundedAt = new Date().toISOString();
    await runtime.invoke('reverseCommission', {
      version: '0',
      id: randomUUID(),
      'detail-type': 'OrderRefunded',
      source: 'xborder.payments',
      account: '000000000000',
      time: refundedAt,
      region: 'local',
      resources: [],
      detail: {
        metadata: { eventId: newId('evt'), version: 1, occurredAt: refundedAt, correlationId: 'operator-reads' },
        data: {
          orderId: orders[0],
          merchantId: 'mer_01TEST',
          refundId: newId('ref'),
          amount: { amount: 3_500, currency: 'USD' },
          refundedTotal: { amount: 3_500, currency: 'USD' },
          paidTotal: { amount: 7_000, currency: 'USD' },
          settlementMerchandise: { amount: 50_000, currency: 'CNY' },
          fullyRefunded: false,
          source: 'api',
          refundedAt,
        },
      },
    });
    const withReversal = await request(runtime.url, 'GET', `/v1/admin/creators/${creatorIds[0]}`, { key: adminKey });
    expect((withReversal.body.commissionEntries as { data: Item[] }).data).toContainEqual(expect.objectContaining({ orderId: orders[0], kind: 'reversal', amount: { amount: -2_500, currency: 'CNY' } }));
    const openApi = JSON.parse(readFileSync('functions/platform/generated/openapi.json', 'utf8')) as OpenApi;
    expect(answerViolations(openApi, 'GET', '/v1/admin/creators/{id}', withReversal.status, 'application/json', withReversal.body)).toEqual([]);
  });

  it('refuses a list cursor edited or issued for another list', async () => {
    await enrolMerchant(runtime.url, adminKey);
    await enrolMerchant(runtime.url, adminKey);
    const first = await request(runtime.url, 'GET', '/v1/admin/merchants?limit=1', { key: adminKey });
    const cursor = String(first.body.nextCursor);
    const elsewhere = await request(runtime.url, 'GET', `/v1/admin/agencies?cursor=${encodeURIComponent(cursor)}`, { key: adminKey });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'cursor' }] });
    const tooMany = await request(runtime.url, 'GET', '/v1/admin/creators?limit=101', { key: adminKey });
    expect(tooMany.status).toBe(400);
  });
});
