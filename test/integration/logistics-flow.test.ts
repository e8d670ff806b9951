import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { dynamodb } from '../../functions/shared/clients/dynamodb.js';
import { localScope } from '../../functions/shared/local-scope.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { request, type Reply } from '../support/http.js';
import { buyer, enrolMerchant, listCatalogue, type EnrolledMerchant } from '../support/merchants.js';
import { startTestRuntime, testStripeKey, testWebhookSecret } from '../support/runtime.js';
import { localClient } from '../support/tables.js';

// Logistics end to end on DynamoDB Local: partners and their secrets, booking, signed
// webhook batches (out of order, duplicated, unknown numbers), the order projection,
// public tracking and the stall detector.

let runtime: Runtime;
let adminKey: string;
let tableName: string;
let stop: () => Promise<void>;
let stripe: Stripe;
let merchant: EnrolledMerchant;
let partner: { code: string; secret: string };

type Event = { eventId: string; trackingNumber: string; status: string; occurredAt: string; flight?: { number: string; origin: string; destination: string }; location?: { country: string; city?: string; iata?: string } };

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();
let counter = 0;
const uniqueId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`.toUpperCase();

const sign = (secret: string, body: string, options: { id?: string; timestamp?: Date } = {}) => {
  const id = options.id ?? `msg_${uniqueId('')}`;
  const timestamp = options.timestamp ?? new Date();
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, timestamp, body) };
};

const send = (events: Event[] | Record<string, unknown>, options: { code?: string; secret?: string; id?: string; timestamp?: Date; tamper?: boolean; headers?: Record<string, string> } = {}): Promise<Reply> => {
  const body = JSON.stringify(Array.isArray(events) ? { events } : events);
  const headers = { ...sign(options.secret ?? partner.secret, body, options), ...options.headers };
  return request(runtime.url, 'POST', `/v1/webhooks/logistics/${options.code ?? partner.code}`, {
    body: options.tamper ? body.replace('"status"', '"status" ') : body,
    headers,
  });
};

const registerPartner = async (code = uniqueId('P').slice(0, 16)) => {
  const reply = await request(runtime.url, 'POST', '/v1/admin/logistics-partners', { key: adminKey, body: { code, name: `Partner ${code}` } });
  expect(reply.status).toBe(201);
  return { code, secret: String(reply.body.webhookSecret) };
};

/** A paid order (placed, confirmed at the stand-in, signed Stripe webhook delivered). */
const paidOrder = async (): Promise<string> => {
  const placed = await request(runtime.url, 'POST', '/v1/orders', {
    key: merchant.apiKey,
    headers: { 'idempotency-key': uniqueId('k') },
    body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 1 }] },
  });
  const intent = await stripe.paymentIntents.confirm(String((placed.body.payment as { paymentIntentId: string }).paymentIntentId), { payment_method: 'pm_card_visa', return_url: 'https://shop.example/return' });
  const payload = JSON.stringify({ id: `evt_${uniqueId('')}`, object: 'event', type: 'payment_intent.succeeded', data: { object: intent } });
  await request(runtime.url, 'POST', '/v1/webhooks/stripe', { body: payload, headers: { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: testWebhookSecret }) } });
  return String(placed.body.id);
};

const book = (orderId: string, trackingNumber: string, code = partner.code) =>
  request(runtime.url, 'POST', `/v1/orders/${orderId}/shipments`, { key: merchant.apiKey, body: { partnerCode: code, trackingNumber } });

const order = async (id: string) => (await request(runtime.url, 'GET', `/v1/orders/${id}`, { key: merchant.apiKey })).body as { status: string; shipments: Array<{ status: string }> };
const busEvents = (type: string, needle: string) => runtime.bus.recent().filter((e) => e['detail-type'] === type && JSON.stringify(e.detail).includes(needle));

beforeAll(async () => {
  let standIn;
  ({ runtime, adminKey, tableName, stop, stripe: standIn } = await startTestRuntime('logistics'));
  stripe = new Stripe(testStripeKey, { host: standIn.host, port: standIn.port, protocol: 'http', maxNetworkRetries: 0 });
  merchant = await enrolMerchant(runtime.url, adminKey, ['US', 'HK']);
  await listCatalogue(runtime.url, merchant.apiKey);
  partner = await registerPartner();
});

afterAll(async () => {
  if (process.env.SHOW_DEAD_LETTERS) console.warn(JSON.stringify(runtime.deadLetters.list().map((d) => [d.name, d.error]), null, 1));
  await stop();
});

describe('partner registry', () => {
  it('returns a whsec_ secret once, stores it only sealed, and refuses a second partner with the same code', async () => {
    const p = await registerPartner();
    expect(p.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const again = await request(runtime.url, 'POST', '/v1/admin/logistics-partners', { key: adminKey, body: { code: p.code, name: 'x' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'already_exists' } });
    const bad = await request(runtime.url, 'POST', '/v1/admin/logistics-partners', { key: adminKey, body: { code: 'lower', name: 'x' } });
    expect(bad.status).toBe(400);
    const client = localClient();
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName }));
    client.destroy();
    expect(JSON.stringify(Items)).not.toContain(p.secret.slice(6));
  });

  it('verifies with either secret during a rollover, and only the new one after the old is retired', async () => {
    const p = await registerPartner();
    const rotated = await request(runtime.url, 'POST', `/v1/admin/logistics-partners/${p.code}/secrets`, { key: adminKey });
    expect(rotated.status).toBe(201);
    const fresh = String(rotated.body.webhookSecret);
    const events = [{ eventId: uniqueId('e'), trackingNumber: 'NOPE1', status: 'picked_up', occurredAt: hoursAgo(1) }];
    expect((await send(events, { code: p.code, secret: p.secret })).status).toBe(202);
    expect((await send(events, { code: p.code, secret: fresh })).status).toBe(202);
    const third = await request(runtime.url, 'POST', `/v1/admin/logistics-partners/${p.code}/secrets`, { key: adminKey });
    expect(third).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    const oldId = (rotated.body.partner as { secrets: Array<{ id: string }> }).secrets[0]?.id;
    const retired = await request(runtime.url, 'DELETE', `/v1/admin/logistics-partners/${p.code}/secrets/${String(oldId)}`, { key: adminKey });
    expect(retired.status).toBe(200);
    // A retired secret stops verifying once the partner cache expires (60 s; 0 here).
    process.env.PARTNER_SECRETS_CACHE_SECONDS = '0';
    try {
      expect((await send(events, { code: p.code, secret: p.secret })).status).toBe(401);
      expect((await send(events, { code: p.code, secret: fresh })).status).toBe(202);
    } finally {
      delete process.env.PARTNER_SECRETS_CACHE_SECONDS;
    }
  });

  it('answers concurrent secret changes one after another: one rollover starts, the rest are 409, never a 5xx', async () => {
    const p = await registerPartner();
    const path = `/v1/admin/logistics-partners/${p.code}/secrets`;
    const rolls = await Promise.all(Array.from({ length: 6 }, () => request(runtime.url, 'POST', path, { key: adminKey })));
    expect(rolls.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const started = rolls.find((r) => r.status === 201);
    const [oldId, newId] = (started?.body.partner as { secrets: Array<{ id: string }> }).secrets.map((s) => s.id);
    // Retiring either secret, five times over, concurrently: one of them goes, the other stays.
    const retires = await Promise.all(
      [oldId, newId, oldId, newId, oldId, newId].map((id) => request(runtime.url, 'DELETE', `${path}/${String(id)}`, { key: adminKey })),
    );
    expect(retires.every((r) => [200, 404, 409].includes(r.status))).toBe(true);
    const retired = retires.filter((r) => r.status === 200);
    expect(retired).toHaveLength(1);
    expect((retired[0]?.body.partner as { secrets: unknown[] }).secrets).toHaveLength(1);
    // One secret is left, so a new rollover may start.
    expect((await request(runtime.url, 'POST', path, { key: adminKey })).status).toBe(201);
  });
});

describe('booking', () => {
  it('books parcels on paid orders only, with tracking numbers unique per partner among active shipments', async () => {
    const unpaid = await request(runtime.url, 'POST', '/v1/orders', { key: merchant.apiKey, headers: { 'idempotency-key': uniqueId('k') }, body: { currency: 'USD', buyer: buyer('US'), items: [{ sku: 'TEA-1', quantity: 1 }] } });
    expect(await book(String(unpaid.body.id), 'TN-UNPAID')).toMatchObject({ status: 409, body: { code: 'invalid_state' } });
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    const booked = await book(orderId, tn);
    expect(booked).toMatchObject({ status: 201, body: { shipment: { partnerCode: partner.code, trackingNumber: tn, status: 'label_created' } } });
    expect(await book(await paidOrder(), tn)).toMatchObject({ status: 409, body: { code: 'already_exists' } });
    const other = await registerPartner();
    expect((await book(await paidOrder(), tn, other.code)).status).toBe(201); // another partner's number space
    expect(await book(orderId, 'X-1', 'NOSUCH')).toMatchObject({ status: 400, body: { errors: [{ path: 'partnerCode' }] } });
    await runtime.settle();
    expect(busEvents('ShipmentBooked', tn)).toHaveLength(2);
  });
});

describe('webhook intake', () => {
  it.each([
    ['a wrong key', { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
    ['a tampered body', { tamper: true }],
    ['a timestamp 6 minutes old', { timestamp: new Date(Date.now() - 360_000) }],
    ['a timestamp 6 minutes ahead', { timestamp: new Date(Date.now() + 360_000) }],
    ['a missing webhook-signature', { headers: { 'webhook-signature': '' } }],
    ['a missing webhook-id', { headers: { 'webhook-id': '' } }],
    ['an unknown partner', { code: 'NOSUCHPARTNER' }],
  ])('refuses %s with 401 invalid_signature', async (_, options) => {
    const reply = await send([{ eventId: uniqueId('e'), trackingNumber: 'T1', status: 'picked_up', occurredAt: hoursAgo(1) }], options);
    expect(reply).toMatchObject({ status: 401, body: { code: 'invalid_signature' } });
  });

  it('validates the batch after the signature (1-100 events, known statuses)', async () => {
    expect((await send([])).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => ({ eventId: `e${i}`, trackingNumber: 'T1', status: 'picked_up', occurredAt: hoursAgo(1) }));
    expect((await send(many)).status).toBe(400);
    expect((await send({ events: 'none' })).status).toBe(400);
  });

  it('applies the good events of a batch and lists the bad ones in rejected (per-event validation)', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    const future = new Date(Date.now() + 8 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const reply = await send([
      { eventId: `${tn}-1`, trackingNumber: tn, status: 'picked_up', occurredAt: hoursAgo(5) },
      { eventId: `${tn}-2`, trackingNumber: tn, status: 'teleported', occurredAt: hoursAgo(4) },
      { eventId: `${tn}-3`, trackingNumber: tn, status: 'departed', occurredAt: hoursAgo(3), flight: { number: 'cx 880', origin: 'HKG', destination: 'LAX' } },
      { eventId: `${tn}-4`, trackingNumber: tn, status: 'arrived', occurredAt: future },
    ]);
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({
      accepted: 2,
      duplicates: 0,
      unknownTrackingNumbers: [],
      rejected: [
        { index: 1, eventId: `${tn}-2`, code: 'validation_failed', errors: [{ path: 'events.1.status', message: expect.any(String) }] },
        { index: 3, eventId: `${tn}-4`, code: 'occurred_at_in_future', errors: [{ path: 'events.3.occurredAt', message: expect.any(String) }] },
      ],
    });
    const tracking = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(tracking.body).toMatchObject({ status: 'departed', currentFlight: { number: 'CX880' } });
  });

  it('takes an out-of-order batch with a duplicate and an unknown number, and answers what it did', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    const departed = { eventId: `${tn}-3`, trackingNumber: tn, status: 'departed', occurredAt: hoursAgo(20), flight: { number: 'CA987', origin: 'PVG', destination: 'LAX' }, location: { country: 'CN', city: 'Shanghai', iata: 'PVG' } };
    const batch: Event[] = [
      departed,
      { eventId: `${tn}-1`, trackingNumber: tn, status: 'picked_up', occurredAt: hoursAgo(30) },
      { eventId: `${tn}-2`, trackingNumber: tn, status: 'export_cleared', occurredAt: hoursAgo(25) },
      departed,
      { eventId: 'u-1', trackingNumber: 'UNKNOWN-9', status: 'picked_up', occurredAt: hoursAgo(2) },
      { eventId: 'u-2', trackingNumber: 'UNKNOWN-9', status: 'departed', occurredAt: hoursAgo(1) },
    ];
    const reply = await send(batch);
    expect(reply).toMatchObject({ status: 202, body: { accepted: 3, duplicates: 1, unknownTrackingNumbers: ['UNKNOWN-9'] } });
    const kept = await request(runtime.url, 'GET', `/v1/admin/logistics-partners/${partner.code}/unknown-tracking`, { key: adminKey });
    expect((kept.body.data as Array<{ trackingNumber: string; eventId: string }>).filter((e) => e.trackingNumber === 'UNKNOWN-9').map((e) => e.eventId).sort()).toEqual(['u-1', 'u-2']);
    // One a page, newest first (same receipt: by number, then eventId): the cursor goes on where the page ended.
    const unknownPath = `/v1/admin/logistics-partners/${partner.code}/unknown-tracking?limit=1`;
    const newest = await request(runtime.url, 'GET', unknownPath, { key: adminKey });
    expect((newest.body.data as Array<{ eventId: string }>).map((e) => e.eventId)).toEqual(['u-2']);
    const next = await request(runtime.url, 'GET', `${unknownPath}&cursor=${encodeURIComponent(String(newest.body.nextCursor))}`, { key: adminKey });
    expect((next.body.data as Array<{ eventId: string }>).map((e) => e.eventId)).toEqual(['u-1']);
    const tracking = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(tracking.body).toMatchObject({ trackingNumber: tn, status: 'departed', currentFlight: { number: 'CA987', origin: 'PVG', destination: 'LAX' } });
    expect((tracking.body.events as Event[]).map((e) => e.status)).toEqual(['picked_up', 'export_cleared', 'departed']);
    expect(JSON.stringify(tracking.body)).not.toMatch(/buyer|mer_|ord_|email|Seattle/);

    // The same events again in another batch: duplicates, nothing changes, no new status event.
    await runtime.settle();
    const changes = busEvents('ShipmentStatusChanged', tn).length;
    expect((await send(batch.slice(0, 3))).body).toMatchObject({ accepted: 0, duplicates: 3 });
    await runtime.settle();
    expect(busEvents('ShipmentStatusChanged', tn)).toHaveLength(changes);
    expect((await order(orderId)).status).toBe('shipped');
  });

  it('answers a replayed delivery (same webhook-id) as the first time and changes nothing', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    const events = [{ eventId: `${tn}-1`, trackingNumber: tn, status: 'picked_up', occurredAt: hoursAgo(5) }];
    const first = await send(events, { id: 'msg_replayed_delivery' });
    const replay = await send(events, { id: 'msg_replayed_delivery' });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(first.body);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('never moves a delivered shipment back when older events arrive late', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    await send([{ eventId: `${tn}-9`, trackingNumber: tn, status: 'delivered', occurredAt: hoursAgo(1) }]);
    await send([
      { eventId: `${tn}-5`, trackingNumber: tn, status: 'out_for_delivery', occurredAt: hoursAgo(3) },
      { eventId: `${tn}-8`, trackingNumber: tn, status: 'delivery_failed', occurredAt: hoursAgo(0.5) },
    ]);
    const tracking = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(tracking.body.status).toBe('delivered');
    expect((tracking.body.events as Event[]).map((e) => e.status)).toEqual(['out_for_delivery', 'delivered', 'delivery_failed']);
    // Even a late `returned` dated before the delivery cannot swap one terminal status for another.
    await send([{ eventId: `${tn}-4`, trackingNumber: tn, status: 'returned', occurredAt: hoursAgo(4) }]);
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}`)).body.status).toBe('delivered');
    await runtime.settle();
    expect((await order(orderId)).status).toBe('delivered');
    expect(busEvents('OrderDelivered', orderId)).toHaveLength(1);
    // A delivered parcel frees its number for the partner's next parcel.
    expect((await book(await paidOrder(), tn)).status).toBe(201);
  });

  it('costs a bounded number of DynamoDB calls per batch (3 + n/25), measured', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const tn = uniqueId('TN');
      numbers.push(tn);
      await book(await paidOrder(), tn);
    }
    const events = Array.from({ length: 100 }, (_, i) => ({ eventId: `bulk-${i}`, trackingNumber: numbers[i % 20] ?? '', status: i < 20 ? 'picked_up' : 'export_cleared', occurredAt: hoursAgo(10 - i / 20) }));
    const calls: string[] = [];
    const name = 'count-intake-calls';
    // Only the webhook's own calls: consumers run in the same process, in their own invocations.
    dynamodb.middlewareStack.add((next, context) => async (args) => {
      if (localScope.getStore()?.functionName === 'partnerWebhook') calls.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize', name });
    await runtime.settle();
    let reply: Reply;
    let single: Reply;
    let singleCalls: number;
    try {
      reply = await send(events);
      singleCalls = calls.length;
      single = await send([{ eventId: 'bulk-one', trackingNumber: numbers[0] ?? '', status: 'departed', occurredAt: hoursAgo(1) }]);
      singleCalls = calls.length - singleCalls;
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    expect(reply.body).toMatchObject({ accepted: 100, duplicates: 0 });
    expect(single.body).toMatchObject({ accepted: 1 });
    const batchCalls = calls.length - singleCalls;
    // Partner secrets are cached like API keys; the first batch may read the partner once.
    expect(batchCalls).toBeLessThanOrEqual(3 + 100 / 25 + 1);
    expect(singleCalls).toBeLessThanOrEqual(3);
    console.warn(`DynamoDB calls: batch of 100 events / 20 shipments = ${batchCalls}; batch of 1 = ${singleCalls}`);
  });
});

/**
 * The partner webhook's own DynamoDB calls while `act` runs (consumers run in their own
 * invocations), not counting the partner's GetItem: its secrets are cached like API keys
 * (60 s) and this slow test outlives the cache.
 */
const countIntakeCalls = async <T>(act: () => Promise<T>): Promise<{ result: T; calls: number }> => {
  let calls = 0;
  const name = `count-intake-calls-${uniqueId('')}`;
  dynamodb.middlewareStack.add((next, context) => async (args) => {
    if (localScope.getStore()?.functionName === 'partnerWebhook' && context.commandName !== 'GetItemCommand') calls += 1;
    return next(args);
  }, { step: 'initialize', name });
  try {
    return { result: await act(), calls };
  } finally {
    dynamodb.middlewareStack.remove(name);
  }
};

describe('timelines without an item size limit, within the call budget', () => {
  it('keeps a parcel timeline far beyond 400 KB (one item per event) and serves it whole', async () => {
    const tn = uniqueId('TNBIG');
    await book(await paidOrder(), tn);
    const text = 'x'.repeat(500);
    for (let b = 0; b < 8; b += 1) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        eventId: `${tn}-${b}-${i}`,
        trackingNumber: tn,
        status: 'arrived',
        occurredAt: hoursAgo(100 - b - i / 100),
        location: { country: 'US', city: 'Los Angeles', iata: 'LAX' },
        description: text,
      }));
      expect((await send(events)).body).toMatchObject({ accepted: 100, duplicates: 0 });
    }
    const tracking = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(tracking.status).toBe(200);
    expect(tracking.body.events).toHaveLength(800);
    expect(JSON.stringify(tracking.body).length).toBeGreaterThan(400 * 1024);
  }, 240_000);

  it('holds 3 + n/25 calls in the worst case: 100 events on 100 parcels, every status changing, and the same batch resent', async () => {
    const numbers: string[] = [];
    for (let o = 0; o < 10; o += 1) {
      const orderId = await paidOrder();
      const batch = Array.from({ length: 10 }, () => uniqueId('TNW'));
      // Ten parcels of one order booked at once: no 409, no 5xx (item 12).
      const replies = await Promise.all(batch.map((tn) => book(orderId, tn)));
      expect(replies.map((r) => r.status)).toEqual(batch.map(() => 201));
      numbers.push(...batch);
    }
    await runtime.settle();
    const events = numbers.map((tn, i) => ({ eventId: `${tn}-1`, trackingNumber: tn, status: 'picked_up', occurredAt: hoursAgo(5 - i / 100) }));
    const first = await countIntakeCalls(() => send(events));
    expect(first.result.body).toMatchObject({ accepted: 100, duplicates: 0 });
    await runtime.settle();
    const resent = await countIntakeCalls(() => send(events));
    expect(resent.result.body).toMatchObject({ accepted: 0, duplicates: 100 });
    const one = await countIntakeCalls(() => send([{ eventId: `${numbers[0] ?? ''}-2`, trackingNumber: numbers[0] ?? '', status: 'departed', occurredAt: hoursAgo(1) }]));
    expect(one.result.body).toMatchObject({ accepted: 1 });
    console.warn(`DynamoDB calls: 100 events / 100 parcels = ${first.calls}; resent = ${resent.calls}; 1 event = ${one.calls}`);
    expect(first.calls).toBeLessThanOrEqual(3 + 100 / 25);
    expect(resent.calls).toBeLessThanOrEqual(3 + 100 / 25);
    expect(one.calls).toBeLessThanOrEqual(3);
  }, 240_000);
});

describe('public tracking when partners share a number', () => {
  it('answers 300 with the partners to choose from, never one merchant parcel in place of another; ?partner= picks', async () => {
    const tn = uniqueId('TNSHARED');
    const other = await registerPartner();
    expect((await book(await paidOrder(), tn)).status).toBe(201);
    await send([{ eventId: `${tn}-a`, trackingNumber: tn, status: 'departed', occurredAt: hoursAgo(3) }]);
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}`)).body).toMatchObject({ trackingNumber: tn, status: 'departed' });
    // Another merchant books the same number with another partner: the first parcel is not replaced.
    expect((await book(await paidOrder(), tn, other.code)).status).toBe(201);
    const ambiguous = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(ambiguous.status).toBe(300);
    expect(ambiguous.body).toEqual({
      trackingNumber: tn,
      choices: [partner.code, other.code].sort().map((code) => ({ partnerCode: code, href: `/v1/tracking/${tn}?partner=${code}` })),
    });
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}?partner=${partner.code}`)).body).toMatchObject({ status: 'departed', events: [{ status: 'departed' }] });
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}?partner=${other.code}`)).body).toMatchObject({ status: 'label_created', events: [] });
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}?partner=NOSUCH`)).status).toBe(404);
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}?partner=bad%20code`)).status).toBe(400);
  });
});

describe('concurrent, duplicated and reordered batches (property)', () => {
  it('give exactly one ShipmentStatusChanged per real change and exactly one OrderDelivered', async () => {
    const statuses = ['picked_up', 'departed', 'arrived', 'out_for_delivery', 'delivered'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 9 })), { minLength: 3, maxLength: 5 }),
        fc.boolean(),
        async (splits, skew) => {
          const orderId = await paidOrder();
          const parcels = [uniqueId('TNC'), uniqueId('TNC')];
          const booked = await Promise.all(parcels.map((tn) => book(orderId, tn)));
          expect(booked.map((r) => r.status)).toEqual([201, 201]);
          const all = parcels.flatMap((tn) =>
            statuses.map((status, i) => ({
              eventId: `${tn}-${i}`,
              trackingNumber: tn,
              status,
              // With skew, the delivered scan is stamped a minute before out_for_delivery.
              occurredAt: new Date(Date.now() - (10 - i) * 3600_000 - (skew && status === 'delivered' ? 3_660_000 : 0)).toISOString(),
            })),
          );
          // Batches: overlapping slices in shifted orders, sent at once, each event in at least one.
          const batches = [all, ...splits.map(([a, b]) => [...all.slice(Math.min(a, b), Math.max(a, b) + 1)].reverse())];
          const replies = await Promise.all(batches.map((events) => send(events)));
          expect(replies.map((r) => r.status)).toEqual(batches.map(() => 202));
          const accepted = replies.reduce((n, r) => n + Number(r.body.accepted), 0);
          expect(accepted).toBe(all.length);
          await runtime.settle();
          for (const tn of parcels) {
            const changes = busEvents('ShipmentStatusChanged', tn).map((e) => (e.detail as { data: { previousStatus: string; status: string } }).data);
            // A chain from label_created to delivered: every change real, none repeated.
            expect(changes[0]?.previousStatus).toBe('label_created');
            expect(changes.at(-1)?.status).toBe('delivered');
            changes.forEach((c, i) => {
              expect(c.status).not.toBe(c.previousStatus);
              if (i > 0) expect(c.previousStatus).toBe(changes[i - 1]?.status);
            });
            const tracking = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
            expect(tracking.body).toMatchObject({ status: 'delivered' });
            expect(tracking.body.events).toHaveLength(statuses.length);
          }
          expect((await order(orderId)).status).toBe('delivered');
          expect(busEvents('OrderDelivered', orderId)).toHaveLength(1);
        },
      ),
      { numRuns: 3, seed: 20261203 },
    );
  }, 480_000);
});

describe('order projection', () => {
  it('delivers a multi-parcel order only when every parcel is delivered', async () => {
    const orderId = await paidOrder();
    const [a, b] = [uniqueId('TNA'), uniqueId('TNB')];
    await book(orderId, a);
    await book(orderId, b);
    await send([{ eventId: `${a}-1`, trackingNumber: a, status: 'picked_up', occurredAt: hoursAgo(10) }]);
    await runtime.settle();
    expect((await order(orderId)).status).toBe('shipped');
    await send([{ eventId: `${a}-2`, trackingNumber: a, status: 'delivered', occurredAt: hoursAgo(2) }]);
    await runtime.settle();
    expect((await order(orderId)).status).toBe('shipped');
    await send([{ eventId: `${b}-2`, trackingNumber: b, status: 'delivered', occurredAt: hoursAgo(1) }]);
    await runtime.settle();
    const delivered = await order(orderId);
    expect(delivered.status).toBe('delivered');
    expect(delivered.shipments.map((s) => s.status)).toEqual(['delivered', 'delivered']);
    expect(busEvents('OrderShipped', orderId)).toHaveLength(1);
    expect(busEvents('OrderDelivered', orderId)).toHaveLength(1);
  });

  it('delivers the order when the delivered scan is stamped before the out_for_delivery one (clock skew)', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    const seven = hoursAgo(2);
    const sixFiftyNine = new Date(Date.parse(seven) - 60_000).toISOString();
    await send([{ eventId: `${tn}-1`, trackingNumber: tn, status: 'out_for_delivery', occurredAt: seven }]);
    await runtime.settle();
    await send([{ eventId: `${tn}-2`, trackingNumber: tn, status: 'delivered', occurredAt: sixFiftyNine }]);
    await runtime.settle();
    expect((await request(runtime.url, 'GET', `/v1/tracking/${tn}`)).body.status).toBe('delivered');
    const delivered = await order(orderId);
    expect(delivered.status).toBe('delivered');
    expect(delivered.shipments.map((s) => s.status)).toEqual(['delivered']);
    expect(busEvents('OrderDelivered', orderId)).toHaveLength(1);
  });

  it('keeps parcels off the order item, and GET order still answers them in one DynamoDB call', async () => {
    const orderId = await paidOrder();
    const [a, b] = [uniqueId('TNA'), uniqueId('TNB')];
    expect((await book(orderId, a)).status).toBe(201);
    expect((await book(orderId, b)).status).toBe(201);
    await order(orderId); // warms the key cache
    const calls: string[] = [];
    const name = 'count-get-order-calls';
    dynamodb.middlewareStack.add((next, context) => async (args) => {
      if (localScope.getStore()?.functionName === 'getOrder') calls.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize', name });
    let got: Awaited<ReturnType<typeof order>>;
    try {
      got = await order(orderId);
    } finally {
      dynamodb.middlewareStack.remove(name);
    }
    expect(got.shipments).toEqual([expect.objectContaining({ trackingNumber: a }), expect.objectContaining({ trackingNumber: b })]);
    expect(calls).toEqual(['QueryCommand']);
    const client = localClient();
    const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, FilterExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': { S: `ORDER#${orderId}` }, ':sk': { S: 'ORDER' } } }));
    client.destroy();
    expect(Items[0]?.shipments).toBeUndefined();
  });

  it('applies a redelivered ShipmentStatusChanged once', async () => {
    const orderId = await paidOrder();
    const tn = uniqueId('TN');
    await book(orderId, tn);
    await send([{ eventId: `${tn}-1`, trackingNumber: tn, status: 'delivered', occurredAt: hoursAgo(1) }]);
    await runtime.settle();
    const change = busEvents('ShipmentStatusChanged', tn)[0];
    expect(change).toBeDefined();
    await runtime.invoke('projectShipments', change);
    await runtime.invoke('projectShipments', change);
    await runtime.settle();
    expect(busEvents('OrderDelivered', orderId)).toHaveLength(1);
    expect(busEvents('OrderShipped', orderId)).toHaveLength(1);
  });
});

describe('public tracking and stalls', () => {
  it('404s unknown numbers and serves cacheable answers with an ETag', async () => {
    expect((await request(runtime.url, 'GET', '/v1/tracking/NEVER-BOOKED')).status).toBe(404);
    const tn = uniqueId('TN');
    await book(await paidOrder(), tn);
    const first = await request(runtime.url, 'GET', `/v1/tracking/${tn}`);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const etag = first.headers.get('etag') ?? '';
    const again = await fetch(`${runtime.url}/v1/tracking/${tn}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('reports a shipment quiet for 72 hours once per stall', async () => {
    const tn = uniqueId('TN');
    await book(await paidOrder(), tn);
    await send([{ eventId: `${tn}-1`, trackingNumber: tn, status: 'customs_hold', occurredAt: hoursAgo(80) }]);
    const fresh = uniqueId('TN');
    await book(await paidOrder(), fresh);
    await send([{ eventId: `${fresh}-1`, trackingNumber: fresh, status: 'customs_hold', occurredAt: hoursAgo(5) }]);
    const run = await request(runtime.url, 'POST', '/local/schedules/DetectStalledShipments', { key: adminKey });
    expect(run.status).toBe(200);
    await runtime.settle();
    expect(busEvents('ShipmentStalled', tn)).toHaveLength(1);
    expect(busEvents('ShipmentStalled', fresh)).toHaveLength(0);
    await runtime.runSchedule('DetectStalledShipments');
    await runtime.settle();
    expect(busEvents('ShipmentStalled', tn)).toHaveLength(1);
    // News, then silence again: a new stall.
    await send([{ eventId: `${tn}-2`, trackingNumber: tn, status: 'import_cleared', occurredAt: hoursAgo(75) }]);
    await runtime.runSchedule('DetectStalledShipments');
    await runtime.settle();
    expect(busEvents('ShipmentStalled', tn)).toHaveLength(2);
  });
});
