/**
 * The notifications context's items as the document client writes and reads them (decision
 * 0046): each builder lays an item out, and each update changes it, as its entity in
 * entities.ts does (keys, index keys, markers), and each record schema validates what a read
 * returns. test/unit/notifications/plain-writes.test.ts holds every builder to its entity.
 */
import * as z from 'zod/mini';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { atVersion, both, deleteItem, patchItem, storedItem, type Change, type Condition, type Item, type TableKey, type TransactItem } from '../shared/db/write.js';
import { maxEndpointsPerMerchant } from './policy.js';

export const endpointEntity = 'merchantWebhookEndpoint';
export const endpointCountEntity = 'merchantWebhookEndpointCount';
export const deliveryEntity = 'merchantWebhookDelivery';

/** A merchant webhook endpoint (entity `merchantWebhookEndpoint`). */
export const webhookEndpointRecord = z.lazy(() =>
  z.object({
    merchantId: z.string(),
    endpointId: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    status: z.enum(['enabled', 'disabled']),
    disabledReason: optional(z.string()),
    /** Validated where they are used (endpoints.ts, `secretsOf`), as before: a list never reads them. */
    secrets: z.unknown(),
    failingSince: optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.number().check(z.int()),
  }),
);
/** What an endpoint gathers only later is optional (absent on a new one). */
type LaterOnEndpoint = 'disabledReason' | 'failingSince';
export type WebhookEndpointRecord = Omit<z.output<typeof webhookEndpointRecord>, LaterOnEndpoint> & Partial<Pick<z.output<typeof webhookEndpointRecord>, LaterOnEndpoint>>;

/** How many endpoints a merchant has (entity `merchantWebhookEndpointCount`). */
export const endpointCountRecord = z.lazy(() =>
  z.object({ merchantId: z.string(), endpoints: z.number().check(z.int()) }),
);

/** A delivery of one event to one endpoint (entity `merchantWebhookDelivery`). */
export const webhookDeliveryRecord = z.lazy(() =>
  z.object({
    deliveryId: z.string(),
    endpointId: z.string(),
    merchantId: z.string(),
    eventId: z.string(),
    type: z.string(),
    payload: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().check(z.int()),
    lastResponseCode: optional(z.number().check(z.int())),
    lastError: optional(z.string()),
    lastAttemptAt: optional(z.string()),
    nextAttemptAt: z.string(),
    windowStartedAt: z.string(),
    retryFrom: z.number().check(z.int()),
    bucket: z.number().check(z.int()),
    createdAt: z.string(),
    version: z.number().check(z.int()),
  }),
);
/** What a delivery gathers only from its attempts is optional (absent on a new one). */
type LaterOnDelivery = 'lastResponseCode' | 'lastError' | 'lastAttemptAt';
export type WebhookDeliveryRecord = Omit<z.output<typeof webhookDeliveryRecord>, LaterOnDelivery> & Partial<Pick<z.output<typeof webhookDeliveryRecord>, LaterOnDelivery>>;
export type DeliveryStatus = WebhookDeliveryRecord['status'];

/** A merchant's endpoints: one partition, by endpoint id. */
export const endpointsPartition = (merchantId: string): string => `WHEP#${merchantId}`;
export const endpointSortPrefix = 'WHEP#';
export const endpointKey = (merchantId: string, endpointId: string): TableKey => ({ pk: endpointsPartition(merchantId), sk: `${endpointSortPrefix}${endpointId}` });
export const endpointCountKey = (merchantId: string): TableKey => ({ pk: `WHEPN#${merchantId}`, sk: 'WHEPN' });
export const deliveryKey = (deliveryId: string): TableKey => ({ pk: `WHDL#${deliveryId}`, sk: 'WHDL' });
/** An endpoint's delivery log (gsi1), newest first by `createdAt#deliveryId`. */
export const endpointDeliveriesPartition = (endpointId: string): string => `WHEPDL#${endpointId}`;
/** Deliveries due for an attempt (gsi2), by `nextAttemptAt#deliveryId`: only pending ones are in it. */
export const duePartition = (bucket: number): string => `WHDUE#${bucket}`;

type EndpointRef = Pick<WebhookEndpointRecord, 'merchantId' | 'endpointId'>;
/** The key composites every endpoint update sets, as the entity's patch did (never more of a record passed in). */
const endpointComposites = (e: EndpointRef) => ({ merchantId: e.merchantId, endpointId: e.endpointId });

type DueFields = Pick<WebhookDeliveryRecord, 'deliveryId' | 'status' | 'bucket' | 'nextAttemptAt'>;

/** The due index's keys while the delivery is pending; none otherwise (a sparse index). */
const dueKeys = (d: DueFields): Record<string, string> | undefined =>
  d.status === 'pending' ? { gsi2pk: duePartition(d.bucket), gsi2sk: `${d.nextAttemptAt}#${d.deliveryId}` } : undefined;

/** A new endpoint (created only if absent). */
export const endpointItem = (e: WebhookEndpointRecord): Item => storedItem(endpointEntity, { ...e }, endpointKey(e.merchantId, e.endpointId));

/** A merchant's endpoint counter, first written from the endpoints it has. */
export const endpointCountItem = (merchantId: string, endpoints: number): Item => storedItem(endpointCountEntity, { merchantId, endpoints }, endpointCountKey(merchantId));

/** A new delivery, in the endpoint's log and (pending) in the due index. */
export const deliveryItem = (d: WebhookDeliveryRecord): Item =>
  storedItem(deliveryEntity, { ...d }, { ...deliveryKey(d.deliveryId), gsi1pk: endpointDeliveriesPartition(d.endpointId), gsi1sk: `${d.createdAt}#${d.deliveryId}`, ...dueKeys(d) });

/** One more endpoint, only while the merchant is below the limit. */
export const countUp = (merchantId: string): TransactItem =>
  patchItem(endpointCountKey(merchantId), endpointCountEntity, { set: { merchantId }, add: { endpoints: 1 } }, {
    expression: '#endpoints < :limit',
    names: { '#endpoints': 'endpoints' },
    values: { ':limit': maxEndpointsPerMerchant },
  });

/** One endpoint fewer. ADD -1 stores what the entity's `subtract` (SET to if_not_exists(endpoints, 0) - 1) did. */
export const countDown = (merchantId: string): TransactItem => patchItem(endpointCountKey(merchantId), endpointCountEntity, { set: { merchantId }, add: { endpoints: -1 } });

/** What an endpoint change sets (never its keys or version) and removes. */
export type EndpointFields = Partial<Omit<WebhookEndpointRecord, 'merchantId' | 'endpointId' | 'version'>>;

/** Changes an endpoint at the version read, bumping it. */
export const endpointChange = (
  key: EndpointRef,
  set: EndpointFields,
  remove: ReadonlyArray<'disabledReason' | 'failingSince'>,
  version: number,
): TransactItem => patchItem(endpointKey(key.merchantId, key.endpointId), endpointEntity, { set: { ...set, version: version + 1, ...endpointComposites(key) }, remove: [...remove] }, atVersion(version));

/** Deletes an endpoint at the version read (no existence condition: the version's is enough). */
export const endpointDelete = (merchantId: string, endpointId: string, version: number): TransactItem => deleteItem(endpointKey(merchantId, endpointId), atVersion(version));

/** A success ends the endpoint's failure streak (if one is still recorded). */
export const failureStreakEnded = (key: EndpointRef): TransactItem =>
  patchItem(endpointKey(key.merchantId, key.endpointId), endpointEntity, { set: endpointComposites(key), remove: ['failingSince'] }, {
    expression: 'attribute_exists(#failingSince)',
    names: { '#failingSince': 'failingSince' },
  });

/** A first failure starts the streak (unless another attempt started it first). */
export const failureStreakStarted = (key: EndpointRef, at: string): TransactItem =>
  patchItem(endpointKey(key.merchantId, key.endpointId), endpointEntity, { set: { failingSince: at, ...endpointComposites(key) } }, {
    expression: 'attribute_not_exists(#failingSince)',
    names: { '#failingSince': 'failingSince' },
  });

/** What a delivery update changes besides its status, bucket and next attempt (which place it in the due index). */
interface DeliveryChange {
  readonly set?: Partial<Omit<WebhookDeliveryRecord, 'deliveryId' | 'status' | 'bucket' | 'nextAttemptAt' | 'version'>>;
  readonly remove?: ReadonlyArray<'lastError'>;
}

/**
 * Updates a delivery at the version read (bumping it): status, bucket and `nextAttemptAt` are
 * always set together, since they make its due-index keys, which are rewritten (pending) or
 * removed (otherwise) as the entity's `due` index does.
 */
export const deliveryUpdate = (
  delivery: Pick<WebhookDeliveryRecord, 'deliveryId' | 'version'>,
  due: Omit<DueFields, 'deliveryId'>,
  change: DeliveryChange,
  extra?: Condition,
): TransactItem => {
  const keys = dueKeys({ deliveryId: delivery.deliveryId, ...due });
  const update: Change = {
    set: { ...change.set, status: due.status, bucket: due.bucket, nextAttemptAt: due.nextAttemptAt, version: delivery.version + 1, ...keys, deliveryId: delivery.deliveryId },
    remove: [...(change.remove ?? []), ...(keys ? [] : ['gsi2pk', 'gsi2sk'])],
  };
  return patchItem(deliveryKey(delivery.deliveryId), deliveryEntity, update, both(atVersion(delivery.version), extra));
};

/** Disables an endpoint that failed for three days, at the version read. */
export const endpointDisabled = (endpoint: EndpointRef & Pick<WebhookEndpointRecord, 'version'>, now: Date): TransactItem =>
  endpointChange(endpoint, { status: 'disabled', disabledReason: 'failing', updatedAt: now.toISOString() }, [], endpoint.version);
