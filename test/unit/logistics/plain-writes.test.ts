/**
 * The logistics context writes and reads with the document client (decision 0046): every item
 * it creates or puts, every update and check it makes, and every key and query it reads with,
 * is what the ElectroDB entity that defines the item would write or read, so items written
 * before and after the move read the same. Conditions are compared by what they mean (each
 * evaluated on the same items), since token names and parentheses differ.
 */
import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Service } from 'electrodb';
import { orderEntity, orderShipmentEntity } from '../../../functions/orders/entities.js';
import { parcelBookedOnOrder } from '../../../functions/orders/parcel-port.js';
import { documentClient } from '../../../functions/shared/clients/dynamodb.js';
import { StoredItemError, parseStored } from '../../../functions/shared/db/stored-item.js';
import type { TransactItem } from '../../../functions/shared/db/write.js';
import { stallMarked } from '../../../functions/logistics/detect-stalls.js';
import { partnerEntity, shipmentEntity, shipmentEventEntity, trackingClaimEntity, unknownTrackingEntity, webhookDeliveryEntity } from '../../../functions/logistics/entities.js';
import { headChange, type HeadWrite } from '../../../functions/logistics/intake.js';
import {
  partnerItem,
  partnerKey,
  partnerRecord,
  shipmentDoneCheck,
  shipmentEventItem,
  shipmentItem,
  shipmentKey,
  shipmentRecord,
  trackingClaimItem,
  trackingClaimKey,
  trackingClaimPut,
  trackingClaimRecord,
  unknownTrackingItem,
  unknownTrackingRecord,
  webhookDeliveryItem,
  webhookDeliveryKey,
  webhookDeliveryRecord,
  type ShipmentFields,
  type ShipmentRecord,
} from '../../../functions/logistics/logistics-items.js';
import { getPartner, partnerSecretsChange } from '../../../functions/logistics/partners.js';
import { getShipment, getShipments, getTrackingClaim, quietActiveShipments } from '../../../functions/logistics/shipment-store.js';
import { storedTimelineEvent } from '../../../functions/logistics/shipment-read.js';
import { listUnknownTracking } from '../../../functions/logistics/unknown-tracking-read.js';
import { bookedHead } from '../../../functions/logistics/tracking.js';
import { itemWritten, table, updateEffect } from '../../support/plain-writes.js';

const at = '2026-11-20T08:15:30.000Z';
const later = '2026-11-21T10:00:00.000Z';

type Params = {
  Key?: Record<string, unknown>;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};
const partsOf = (params: unknown): Params => {
  const p = params as Params & { Put?: Params; Update?: Params; ConditionCheck?: Params };
  return p.Put ?? p.Update ?? p.ConditionCheck ?? p;
};

/**
 * What a condition expression means, as a predicate on an item: its `#names` and `:values`
 * substituted, then read as JavaScript (AND binds tighter than OR in both languages).
 */
const meaning = (params: unknown): ((item: Record<string, unknown>) => boolean) => {
  const p = partsOf(params);
  const names = p.ExpressionAttributeNames ?? {};
  const values = p.ExpressionAttributeValues ?? {};
  const source = (p.ConditionExpression ?? '')
    .replace(/#\w+/g, (token) => names[token] ?? token)
    .replace(/:\w+/g, (token) => JSON.stringify(values[token]))
    .replace(/attribute_exists\((\w+)\)/g, '(item.$1 !== undefined)')
    .replace(/attribute_not_exists\((\w+)\)/g, '(item.$1 === undefined)')
    .replace(/(\w+) (=|<) ("[^"]*"|true|false|-?\d+)/g, (_, name: string, op: string, value: string) => `(item.${name} ${op === '=' ? '===' : '<'} ${value})`)
    .replace(/\bAND\b/g, '&&')
    .replace(/\bOR\b/g, '||');
  if (/[#:]/.test(source)) throw new Error(`unresolved tokens in ${source}`);
  return new Function('item', `return ${source || 'true'};`) as (item: Record<string, unknown>) => boolean;
};

/** Both conditions hold on exactly the same items of `cases`. */
const expectSameMeaning = (plain: unknown, electro: unknown, cases: ReadonlyArray<Record<string, unknown>>) => {
  const a = meaning(plain);
  const b = meaning(electro);
  expect(cases.map(a)).toEqual(cases.map(b));
  // Each case set has an item that passes and one that fails, so the comparison means something.
  expect(new Set(cases.map(a))).toEqual(new Set([true, false]));
};

const keyOf = (params: unknown) => partsOf(params).Key;

const partner = { code: 'SF', name: 'SF Express', secrets: [{ id: 'whs_1', sealed: 'v1.a.b.c', createdAt: at }], createdAt: at, version: 3 };
const booked: ShipmentFields = {
  shipmentId: 'shp_1',
  orderId: 'ord_1',
  merchantId: 'mer_1',
  partnerCode: 'SF',
  trackingNumber: 'SF1',
  status: 'label_created',
  statusAt: '',
  statusEventId: '',
  flightKey: '',
  recentEventIds: [],
  bookedAt: at,
  lastActivityAt: at,
  terminal: false,
  bucket: 5,
  version: 1,
};
const stored = (fields: ShipmentFields): ShipmentRecord => parseStored(shipmentRecord, shipmentItem(fields), 'shipment');
const flight = { number: 'CX880', origin: 'HKG', destination: 'LAX' };

describe('logistics writes what its entities define', () => {
  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });

  it('creates partners as the entity does, and changes their secrets as its patch did, on the version read', () => {
    expect(partnerItem(partner)).toEqual(itemWritten(partnerEntity.create(partner).params(table)));
    const secrets = [...partner.secrets, { id: 'whs_2', sealed: 'v1.d.e.f', createdAt: later }];
    const plain = partnerSecretsChange(partner, secrets);
    const electro = partnerEntity
      .patch({ code: 'SF' })
      .set({ secrets, version: 4 })
      .where(({ version }, { eq }) => eq(version, 3))
      .params(table);
    expect(updateEffect(plain)).toEqual(updateEffect(electro));
    expect(keyOf(plain)).toEqual(keyOf(electro));
    expectSameMeaning(plain, electro, [{ pk: 'p', sk: 's', version: 3 }, { pk: 'p', sk: 's', version: 4 }, {}]);
  });

  it('books shipment heads as the entity does: in the active index only while not terminal', () => {
    expect(shipmentItem(booked)).toEqual(itemWritten(shipmentEntity.create(booked).params(table)));
    expect(shipmentItem(booked)).toMatchObject({ gsi2pk: 'ACTIVESHIPMENTS#5', gsi2sk: `${at}#shp_1` });
    const done = { ...booked, terminal: true, currentFlight: flight, lastEventAt: later, stalledAt: at };
    expect(shipmentItem(done)).toEqual(itemWritten(shipmentEntity.create(done).params(table)));
    expect(shipmentItem(done)).not.toHaveProperty('gsi2pk');
  });

  it("moves a head as the entity's patch did: the active index rewritten, or removed once terminal, on the version read", () => {
    const before = stored({ ...booked, version: 7 });
    const writes: HeadWrite[] = [
      { head: { ...bookedHead, status: 'departed', statusAt: later, statusEventId: 'e2', currentFlight: flight, flightKey: `${later}#e2`, lastEventAt: later }, lastActivityAt: later, recentEventIds: ['e1', 'e2'] },
      { head: { ...bookedHead, status: 'picked_up', statusAt: later, statusEventId: 'e1', lastEventAt: null }, lastActivityAt: at, recentEventIds: ['e1'] },
      { head: { ...bookedHead, status: 'delivered', statusAt: later, statusEventId: 'e3', terminal: true, currentFlight: flight, lastEventAt: later }, lastActivityAt: later, recentEventIds: ['e3'] },
    ];
    for (const write of writes) {
      const { head } = write;
      const plain = headChange(before, write);
      const electro = shipmentEntity
        .patch({ shipmentId: 'shp_1' })
        .set({
          status: head.status,
          statusAt: head.statusAt,
          statusEventId: head.statusEventId,
          terminal: head.terminal,
          ...(head.currentFlight ? { currentFlight: head.currentFlight } : {}),
          flightKey: head.flightKey,
          ...(head.lastEventAt !== null ? { lastEventAt: head.lastEventAt } : {}),
          lastActivityAt: write.lastActivityAt,
          recentEventIds: [...write.recentEventIds],
          bucket: before.bucket,
          version: 8,
        })
        .where(({ version }, { eq }) => eq(version, 7))
        .params(table);
      expect(updateEffect(plain)).toEqual(updateEffect(electro));
      expect(keyOf(plain)).toEqual(keyOf(electro));
      expectSameMeaning(plain, electro, [{ pk: 'p', sk: 's', version: 7 }, { pk: 'p', sk: 's', version: 8 }]);
    }
    expect(updateEffect(headChange(before, writes[0] as HeadWrite)).set).toMatchObject({ gsi2pk: 'ACTIVESHIPMENTS#5', gsi2sk: `${later}#shp_1` });
    expect(updateEffect(headChange(before, writes[2] as HeadWrite)).remove).toEqual(['gsi2pk', 'gsi2sk']);
  });

  it("marks a stall as the entity's patch did, leaving the active index alone", () => {
    const head = stored({ ...booked, version: 4 });
    const plain = stallMarked(head);
    const electro = shipmentEntity
      .patch({ shipmentId: 'shp_1' })
      .set({ stalledAt: at, version: 5 })
      .where(({ version }, { eq }) => eq(version, 4))
      .params(table);
    expect(updateEffect(plain)).toEqual(updateEffect(electro));
    expect(keyOf(plain)).toEqual(keyOf(electro));
    expectSameMeaning(plain, electro, [{ pk: 'p', sk: 's', version: 4 }, { pk: 'p', sk: 's', version: 5 }]);
  });

  it("checks a number's holder is done as the entity's check did", () => {
    const plain = shipmentDoneCheck('shp_0');
    // A check exists only inside a transaction: the one booking built.
    const [electro] = new Service({ shipment: shipmentEntity }, table).transaction
      .write(({ shipment }) => [
        shipment
          .check({ shipmentId: 'shp_0' })
          .where((attr, op) => op.eq(attr.terminal, true))
          .commit(),
      ])
      .params().TransactItems;
    expect(electro).toHaveProperty('ConditionCheck');
    expect(plain.ConditionCheck?.Key).toEqual(keyOf(electro));
    expectSameMeaning(plain, electro, [{ terminal: true }, { terminal: false }, {}]);
  });

  it('creates timeline events as the entity does, with or without their optional parts', () => {
    const full = { eventId: 'e1', status: 'departed' as const, occurredAt: at, location: { country: 'HK', city: 'Hong Kong', iata: 'HKG' }, flight, description: 'left' };
    const bare = { eventId: 'e2', status: 'picked_up' as const, occurredAt: at };
    for (const event of [full, bare]) {
      const plain = shipmentEventItem('shp_1', event, later);
      expect(plain).toEqual(itemWritten(shipmentEventEntity.create({ ...event, shipmentId: 'shp_1', receivedAt: later }).params(table)));
      expect(parseStored(storedTimelineEvent, plain, 'event')).toEqual(event);
    }
  });

  it("takes a tracking number's claim as the entity's conditional put did", () => {
    const claim = { partnerCode: 'SF', trackingNumber: 'SF1', shipmentId: 'shp_2', orderId: 'ord_2', active: true };
    expect(trackingClaimItem(claim)).toEqual(itemWritten(trackingClaimEntity.put(claim).params(table)));
    const held = trackingClaimPut(claim, 'shp_1');
    const heldElectro = trackingClaimEntity
      .put(claim)
      .where((attr, op) => op.eq(attr.shipmentId, 'shp_1'))
      .params(table);
    expect(held.Put?.Item).toEqual(itemWritten(heldElectro));
    expectSameMeaning(held, heldElectro, [{ shipmentId: 'shp_1' }, { shipmentId: 'shp_3' }, {}]);
    const free = trackingClaimPut(claim, undefined);
    const freeElectro = trackingClaimEntity
      .put(claim)
      .where((attr, op) => op.notExists(attr.shipmentId))
      .params(table);
    expect(free.Put?.Item).toEqual(itemWritten(freeElectro));
    expectSameMeaning(free, freeElectro, [{ shipmentId: 'shp_1' }, {}]);
  });

  it('keeps delivery markers and unknown numbers as the entities do', () => {
    const delivery = { partnerCode: 'SF', messageId: 'msg_1', response: '{"accepted":1,"duplicates":0,"unknownTrackingNumbers":[]}', ttl: 99 };
    expect(webhookDeliveryItem(delivery)).toEqual(itemWritten(webhookDeliveryEntity.put(delivery).params(table)));
    expect(parseStored(webhookDeliveryRecord, webhookDeliveryItem(delivery), 'delivery')).toEqual(delivery);
    const unknown = { partnerCode: 'SF', trackingNumber: 'XX1', eventId: 'e9', event: { eventId: 'e9', trackingNumber: 'XX1', status: 'picked_up', occurredAt: at }, receivedAt: later, ttl: 77 };
    expect(unknownTrackingItem(unknown)).toEqual(itemWritten(unknownTrackingEntity.put(unknown).params(table)));
    expect(parseStored(unknownTrackingRecord, unknownTrackingItem(unknown), 'unknown')).toEqual(unknown);
  });

  it("lists a booked parcel on its order and moves the order's version as the orders entities did", () => {
    const parcel = { orderId: 'ord_1', shipmentId: 'shp_1', partnerCode: 'SF', trackingNumber: 'SF1', status: 'label_created' };
    const [listed, bumped] = parcelBookedOnOrder(parcel) as [TransactItem, TransactItem];
    const listedElectro = orderShipmentEntity.create({ ...parcel, statusAt: '' }).params(table);
    expect(listed.Put?.Item).toEqual(itemWritten(listedElectro));
    expectSameMeaning(listed, listedElectro, [{}, { pk: 'p', sk: 's' }]);
    const bumpedElectro = orderEntity
      .patch({ orderId: 'ord_1' })
      .add({ version: 1 })
      .where((attr, op) => `${op.eq(attr.status, 'paid')} OR ${op.eq(attr.status, 'shipped')}`)
      .params(table);
    expect(updateEffect(bumped)).toEqual(updateEffect(bumpedElectro));
    expect(keyOf(bumped)).toEqual(keyOf(bumpedElectro));
    // The order exists and is paid or shipped (ElectroDB's string reads `exists AND exists AND paid OR shipped`: the same orders).
    const orders: Array<Record<string, unknown>> = [{}, ...['paid', 'shipped', 'cancelled', 'delivered', 'refunded'].map((status) => ({ pk: 'ORDER#ord_1', sk: 'ORDER', status }))];
    expectSameMeaning(bumped, bumpedElectro, orders);
    expect(orders.filter(meaning(bumped)).map((o) => o.status)).toEqual(['paid', 'shipped']);
  });

  it('parses what the entities write with the read schemas, and refuses what they would not write', () => {
    expect(parseStored(partnerRecord, itemWritten(partnerEntity.create(partner).params(table)), 'partner')).toEqual(partner);
    const head = { ...booked, currentFlight: flight, lastEventAt: later, stalledAt: at, recentEventIds: ['e1'] };
    expect(parseStored(shipmentRecord, itemWritten(shipmentEntity.create(head).params(table)), 'shipment')).toEqual(head);
    const claim = { partnerCode: 'SF', trackingNumber: 'SF1', shipmentId: 'shp_2', orderId: 'ord_2', active: false };
    expect(parseStored(trackingClaimRecord, itemWritten(trackingClaimEntity.put(claim).params(table)), 'claim')).toEqual(claim);
    expect(() => parseStored(shipmentRecord, { ...shipmentItem(booked), recentEventIds: 'e1' }, 'shipment item SHIPMENT#shp_1')).toThrow(StoredItemError);
    expect(() => parseStored(partnerRecord, { ...partnerItem(partner), secrets: [{ id: 'whs_1' }] }, 'partner item PARTNER#SF')).toThrow(StoredItemError);
  });
});

describe('logistics reads where its entities wrote', () => {
  const dynamo = mockClient(documentClient);

  beforeAll(() => {
    process.env.TABLE_NAME = 'T';
  });
  afterEach(() => dynamo.reset());

  const sent = <T>(command: new (input: never) => { input: T }): T[] => dynamo.commandCalls(command as never).map((call) => call.args[0].input as T);

  it('gets partners, heads and claims by the keys the entities use, as consistently as before', async () => {
    dynamo.on(GetCommand).resolves({});
    await getPartner('SF', { consistent: true });
    await getPartner('SF', { consistent: false });
    await getShipment('shp_1', { consistent: true });
    await getTrackingClaim('SF', 'SF1', { consistent: true });
    const [p1, p2, s, c] = sent(GetCommand);
    expect(p1).toEqual({ TableName: 'T', Key: partnerEntity.get({ code: 'SF' }).params(table).Key, ConsistentRead: true });
    expect(p2).toEqual({ TableName: 'T', Key: partnerEntity.get({ code: 'SF' }).params(table).Key });
    expect(s).toEqual({ TableName: 'T', Key: shipmentEntity.get({ shipmentId: 'shp_1' }).params(table).Key, ConsistentRead: true });
    expect(c).toEqual({ TableName: 'T', Key: trackingClaimEntity.get({ partnerCode: 'SF', trackingNumber: 'SF1' }).params(table).Key, ConsistentRead: true });
    expect(partnerKey('SF')).toEqual(partnerEntity.get({ code: 'SF' }).params(table).Key);
    expect(shipmentKey('shp_1')).toEqual(shipmentEntity.get({ shipmentId: 'shp_1' }).params(table).Key);
    expect(trackingClaimKey('SF', 'SF1')).toEqual(trackingClaimEntity.get({ partnerCode: 'SF', trackingNumber: 'SF1' }).params(table).Key);
    expect(webhookDeliveryKey('SF', 'msg_1')).toEqual(webhookDeliveryEntity.get({ partnerCode: 'SF', messageId: 'msg_1' }).params(table).Key);
  });

  it('reads heads in bulk strongly consistent: a parcel booked a moment ago (claim and head in one transaction) is found whole', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { T: [] } });
    await getShipments(['shp_1', 'shp_2']);
    expect(sent(BatchGetCommand)[0]).toEqual({ RequestItems: { T: { Keys: [shipmentKey('shp_1'), shipmentKey('shp_2')], ConsistentRead: true } } });
  });

  it("reads only an item of the entity asked for (as ElectroDB's ownership check did)", async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...trackingClaimItem({ partnerCode: 'SF', trackingNumber: 'SF1', shipmentId: 'shp_1', orderId: 'ord_1', active: true }), __edb_e__: 'other' } });
    expect(await getTrackingClaim('SF', 'SF1', { consistent: true })).toBeUndefined();
    dynamo.on(GetCommand).resolves({ Item: partnerItem(partner) });
    expect(await getPartner('SF', { consistent: false })).toEqual(partner);
  });

  /** The query an ElectroDB `.params()` describes, with its tokens resolved. */
  const resolved = (q: { KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) =>
    (q.KeyConditionExpression ?? '')
      .replace(/#\w+/g, (t) => q.ExpressionAttributeNames?.[t] ?? t)
      .replace(/:\w+/g, (t) => JSON.stringify(q.ExpressionAttributeValues?.[t]))
      .replace(/\band\b/g, 'AND');

  it("queries the stall detector's index page as the entity's query did", async () => {
    const start = { pk: 'SHIPMENT#shp_0', sk: 'SHIPMENT', gsi2pk: 'ACTIVESHIPMENTS#5', gsi2sk: `${at}#shp_0` };
    dynamo.on(QueryCommand).resolves({ Items: [shipmentItem(booked), { ...shipmentItem(booked), __edb_e__: 'other' }], LastEvaluatedKey: start });
    const page = await quietActiveShipments(5, later, 100, start);
    expect(page).toEqual({ shipments: [{ shipmentId: 'shp_1', lastActivityAt: at, stalledAt: undefined }], next: start });
    const [query] = sent<QueryCommandInput>(QueryCommand);
    const electro = shipmentEntity.query.active({ bucket: 5 }).lt({ lastActivityAt: later }).params({ ...table, limit: 100 });
    expect(resolved(query ?? {})).toBe(resolved(electro));
    expect(query).toMatchObject({ TableName: 'T', IndexName: electro.IndexName, Limit: 100, ExclusiveStartKey: start });
    expect(query?.ConsistentRead).toBeUndefined();
  });

  it("lists a partner's unknown numbers newest first as the entity's query did, continuing its cursors", async () => {
    const unknown = { partnerCode: 'SF', trackingNumber: 'XX1', eventId: 'e9', event: { eventId: 'e9' }, receivedAt: later, ttl: 77 };
    const last = { pk: 'UNKNOWNTRACKING#SF#XX1', sk: 'EVENT#e9', gsi1pk: 'UNKNOWN#SF', gsi1sk: `${later}#XX1#e9` };
    dynamo.on(QueryCommand).resolves({ Items: [unknownTrackingItem(unknown)], LastEvaluatedKey: last });
    const position = Buffer.from(JSON.stringify(last)).toString('base64url');
    const page = await listUnknownTracking('SF', 20, position);
    expect(page).toEqual({ events: [unknown], next: position });
    const [query] = sent<QueryCommandInput>(QueryCommand);
    const electro = unknownTrackingEntity.query.byPartner({ partnerCode: 'SF' }).params({ ...table, order: 'desc', limit: 20 });
    expect(resolved(query ?? {})).toBe(resolved(electro));
    expect(query).toMatchObject({ TableName: 'T', IndexName: electro.IndexName, ScanIndexForward: false, Limit: 20, ExclusiveStartKey: last });
  });
});
