/**
 * Writes of merchant webhook endpoints: every create, change and delete is one transaction with
 * its audit event (outbox), conditioned so that concurrent requests cannot corrupt each other:
 * - create: the merchant's endpoint counter goes up in the same transaction, only while it is
 *   below `maxEndpointsPerMerchant` (30 concurrent creates: exactly the allowed number succeed);
 * - change (PATCH, secret roll) and delete: conditioned on the `version` read; when another change
 *   came first, the request decides again on a fresh read (a delete then finds it gone: 404).
 * DynamoDB's TransactionConflict between concurrent transactions on the counter or the endpoint
 * is retried with jittered backoff; if it persists the answer is `409 idempotency_in_progress`
 * (retry), never a 5xx. Decision 0042.
 */
import type { OutboxItem } from '../shared/db/entities.js';
import { untilWritten } from '../shared/backoff.js';
import { createItem, createOnce, outboxItem, transactWrite, type TransactItem } from '../shared/db/write.js';
import { ProblemError } from '../shared/errors.js';
import { allEndpoints, readEndpoint, readEndpointCount } from './endpoint-read.js';
import { maxEndpointsPerMerchant } from './policy.js';
import {
  countDown,
  countUp,
  endpointChange,
  endpointCountItem,
  endpointDelete,
  endpointItem,
  type EndpointFields,
  type WebhookEndpointRecord,
} from './webhook-items.js';

/** Rounds of a write against concurrent transactions before the request gives up with a 409. */
const writeAttempts = 8;

/** Another request changed the same endpoint (or the merchant's counter) in every round: retry later. */
const raced = (): ProblemError => new ProblemError('idempotency_in_progress');

export const limitReached = (): ProblemError =>
  new ProblemError('validation_failed', { errors: [{ path: '', message: `at most ${maxEndpointsPerMerchant} endpoints per merchant` }] });

/** The endpoint URL as events keep it: no query string or fragment (receivers put tokens there). */
export const auditedUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '';
  }
};

/** An endpoint as its audit events describe it (never its secrets). */
export const endpointState = (endpoint: Pick<WebhookEndpointRecord, 'url' | 'events' | 'status'>) => ({
  url: auditedUrl(endpoint.url),
  events: [...endpoint.events],
  status: endpoint.status,
});

type Outcome = 'written' | 'condition' | 'conflict';

/** Runs a transaction; tells a failed condition (of the item at `conditionIndex`, or any) from a conflict. */
const attempt = async (items: readonly TransactItem[], conditionIndex?: number): Promise<Outcome> => {
  const result = await transactWrite(items);
  if (!result.canceled) return 'written';
  const { codes } = result;
  const failed = conditionIndex === undefined ? codes.includes('ConditionalCheckFailed') : codes[conditionIndex] === 'ConditionalCheckFailed';
  if (failed) return 'condition';
  if (codes.includes('TransactionConflict')) return 'conflict';
  throw new Error(`webhook endpoint write cancelled: ${codes.join(', ')}`);
};

/**
 * The merchant's endpoint counter, created on first use from the endpoints it already has (a
 * concurrent first use writes the same count: the loser's conditional create is ignored). Every
 * write that adds or removes an endpoint goes through the counter afterwards, so none is missed.
 */
const ensureEndpointCount = async (merchantId: string): Promise<void> => {
  if ((await readEndpointCount(merchantId)) !== undefined) return;
  const existing = await allEndpoints(merchantId);
  await createOnce(endpointCountItem(merchantId, existing.length));
};

/** Creates the endpoint with its audit event if the merchant is below the limit (400 otherwise). */
export const createEndpointWithinLimit = async (endpoint: WebhookEndpointRecord, event: OutboxItem): Promise<void> => {
  await ensureEndpointCount(endpoint.merchantId);
  await untilWritten(writeAttempts, raced, async () => {
    const outcome = await attempt([countUp(endpoint.merchantId), createItem(endpointItem(endpoint)), outboxItem(event)], 0);
    if (outcome === 'condition') throw limitReached();
    return outcome === 'written' ? true : undefined;
  });
};

/** What a change makes of the endpoint it read: the attributes to set and remove, its audit event, and the answer. */
export interface EndpointChange<T> {
  readonly set: EndpointFields;
  readonly remove?: ReadonlyArray<'disabledReason' | 'failingSince'>;
  readonly event: OutboxItem;
  readonly answer: T;
}

/** Reads the endpoint (404 when it is not the merchant's), then `fn` decides; retried on a fresh read when another change came first. */
const withFreshRead = <T>(merchantId: string, endpointId: string, fn: (endpoint: WebhookEndpointRecord) => Promise<T | undefined>): Promise<T> =>
  untilWritten(writeAttempts, raced, async () => {
    const endpoint = await readEndpoint(merchantId, endpointId);
    if (!endpoint) throw new ProblemError('not_found');
    return fn(endpoint);
  });

/** Changes an endpoint with its audit event, conditioned on the version `decide` saw. */
export const changeEndpoint = <T>(
  merchantId: string,
  endpointId: string,
  decide: (endpoint: WebhookEndpointRecord) => Promise<EndpointChange<T>> | EndpointChange<T>,
): Promise<T> =>
  withFreshRead(merchantId, endpointId, async (endpoint) => {
    const change = await decide(endpoint);
    const outcome = await attempt([endpointChange({ merchantId, endpointId }, change.set, change.remove ?? [], endpoint.version), outboxItem(change.event)]);
    return outcome === 'written' ? change.answer : undefined;
  });

/** Deletes an endpoint (at the version read) and counts it out, with its audit event. */
export const deleteEndpoint = async (merchantId: string, endpointId: string, eventOf: (endpoint: WebhookEndpointRecord) => OutboxItem): Promise<void> => {
  await ensureEndpointCount(merchantId);
  await withFreshRead(merchantId, endpointId, async (endpoint) => {
    const outcome = await attempt([endpointDelete(merchantId, endpointId, endpoint.version), countDown(merchantId), outboxItem(eventOf(endpoint))]);
    return outcome === 'written' ? true : undefined;
  });
};
