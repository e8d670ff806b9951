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
import { isConditionalCheckFailure } from '../shared/db/errors.js';
import { ProblemError } from '../shared/errors.js';
import { db } from './db.js';
import type { WebhookEndpointItem } from './entities.js';
import { maxEndpointsPerMerchant } from './policy.js';

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
export const endpointState = (endpoint: Pick<WebhookEndpointItem, 'url' | 'events' | 'status'>) => ({
  url: auditedUrl(endpoint.url),
  events: [...endpoint.events],
  status: endpoint.status,
});

type Outcome = 'written' | 'condition' | 'conflict';

type TransactionItems = Parameters<ReturnType<typeof db>['transaction']['write']>[0];

/** Runs a transaction; tells a failed condition (of the item at `conditionIndex`, or any) from a conflict. */
const attempt = async (write: TransactionItems, conditionIndex?: number): Promise<Outcome> => {
  const result = await db().transaction.write(write).go();
  if (!result.canceled) return 'written';
  const codes = (result.data as ReadonlyArray<{ readonly code?: unknown }>).map((d) => String(d.code));
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
  const { data } = await db().entities.webhookEndpointCount.get({ merchantId }).go({ consistent: true });
  if (data) return;
  const { data: existing } = await db().entities.webhookEndpoint.query.byMerchant({ merchantId }).go({ pages: 'all', consistent: true });
  try {
    await db().entities.webhookEndpointCount.create({ merchantId, endpoints: existing.length }).go();
  } catch (error) {
    if (!isConditionalCheckFailure(error)) throw error;
  }
};

/** Creates the endpoint with its audit event if the merchant is below the limit (400 otherwise). */
export const createEndpointWithinLimit = async (endpoint: WebhookEndpointItem, event: OutboxItem): Promise<void> => {
  await ensureEndpointCount(endpoint.merchantId);
  await untilWritten(writeAttempts, raced, async () => {
    const outcome = await attempt(
      ({ webhookEndpointCount, webhookEndpoint, outbox }) => [
        webhookEndpointCount
          .patch({ merchantId: endpoint.merchantId })
          .add({ endpoints: 1 })
          .where(({ endpoints }, { lt }) => lt(endpoints, maxEndpointsPerMerchant))
          .commit(),
        webhookEndpoint.create(endpoint).commit(),
        outbox.create(event).commit(),
      ],
      0,
    );
    if (outcome === 'condition') throw limitReached();
    return outcome === 'written' ? true : undefined;
  });
};

/** What a change makes of the endpoint it read: the attributes to set and remove, its audit event, and the answer. */
export interface EndpointChange<T> {
  readonly set: Partial<Omit<WebhookEndpointItem, 'merchantId' | 'endpointId' | 'version'>>;
  readonly remove?: ReadonlyArray<'disabledReason' | 'failingSince'>;
  readonly event: OutboxItem;
  readonly answer: T;
}

/** Reads the endpoint (404 when it is not the merchant's), then `fn` decides; retried on a fresh read when another change came first. */
const withFreshRead = <T>(merchantId: string, endpointId: string, fn: (endpoint: WebhookEndpointItem) => Promise<T | undefined>): Promise<T> =>
  untilWritten(writeAttempts, raced, async () => {
    const { data: endpoint } = await db().entities.webhookEndpoint.get({ merchantId, endpointId }).go({ consistent: true });
    if (!endpoint) throw new ProblemError('not_found');
    return fn(endpoint);
  });

/** Changes an endpoint with its audit event, conditioned on the version `decide` saw. */
export const changeEndpoint = <T>(merchantId: string, endpointId: string, decide: (endpoint: WebhookEndpointItem) => Promise<EndpointChange<T>> | EndpointChange<T>): Promise<T> =>
  withFreshRead(merchantId, endpointId, async (endpoint) => {
    const change = await decide(endpoint);
    const outcome = await attempt(({ webhookEndpoint, outbox }) => {
      const patch = webhookEndpoint.patch({ merchantId, endpointId }).set({ ...change.set, version: endpoint.version + 1 });
      return [
        (change.remove?.length ? patch.remove([...change.remove]) : patch).where(({ version }, { eq }) => eq(version, endpoint.version)).commit(),
        outbox.create(change.event).commit(),
      ];
    });
    return outcome === 'written' ? change.answer : undefined;
  });

/** Deletes an endpoint (at the version read) and counts it out, with its audit event. */
export const deleteEndpoint = async (merchantId: string, endpointId: string, eventOf: (endpoint: WebhookEndpointItem) => OutboxItem): Promise<void> => {
  await ensureEndpointCount(merchantId);
  await withFreshRead(merchantId, endpointId, async (endpoint) => {
    const outcome = await attempt(({ webhookEndpoint, webhookEndpointCount, outbox }) => [
      webhookEndpoint
        .delete({ merchantId, endpointId })
        .where(({ version }, { eq }) => eq(version, endpoint.version))
        .commit(),
      webhookEndpointCount.patch({ merchantId }).subtract({ endpoints: 1 }).commit(),
      outbox.create(eventOf(endpoint)).commit(),
    ]);
    return outcome === 'written' ? true : undefined;
  });
};
