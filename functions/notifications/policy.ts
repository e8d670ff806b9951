/**
 * Pure rules of merchant webhook delivery: ids, the retry schedule, when an endpoint is
 * given up on, and what counts as success. No AWS, no I/O.
 */
import { createHash } from 'node:crypto';

/** Buckets of the due-deliveries index, so a retry storm does not sit on one partition key. */
export const dueBuckets = 8;

/** A merchant has at most this many endpoints (fan-out reads them all in one Query). */
export const maxEndpointsPerMerchant = 16;

/**
 * The `webhook-id` of one event's delivery to one endpoint: the same on every retry and on
 * every fan-out re-run (the fan-out's create is conditional on it), so receivers dedupe by it.
 */
export const deliveryIdOf = (eventId: string, type: string, endpointId: string): string =>
  `msg_${createHash('sha256').update(`${eventId}\0${type}\0${endpointId}`).digest('hex').slice(0, 32)}`;

/**
 * Delay before retry n (after the n-th failed attempt), the Standard Webhooks reference
 * schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over 27 h 35 min.
 */
export const retryDelaysMs = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

/** How long a claimed attempt holds its delivery before a sweep may schedule it again (a crashed dispatcher). */
export const attemptLeaseMs = 60_000;

/** An endpoint whose deliveries all failed for this long is disabled. */
export const disableAfterMs = 3 * 24 * 3600_000;

/** A 2xx within this time is success. */
export const deliveryTimeoutMs = 10_000;

/**
 * Locally the schedule may be shortened: `WEBHOOK_RETRY_SCALE` (0 < scale <= 1) multiplies
 * every delay. Ignored on AWS stages, where the schedule is always the full one.
 */
export const retryScale = (stage: string, raw: string | undefined): number => {
  if (stage !== 'local' || raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  return Number.isFinite(scale) && scale > 0 && scale <= 1 ? scale : 1;
};

/** When attempt `attempts + 1` is due after `attempts` failures, or null when the delivery has failed for good. */
export const nextAttemptAfter = (attempts: number, failedAt: Date, scale = 1): Date | null => {
  const delay = retryDelaysMs[attempts - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + Math.max(1, Math.round(delay * scale)));
};

export const isSuccess = (status: number | null): boolean => status !== null && status >= 200 && status < 300;

/** True when an endpoint failing since `failingSince` should now be disabled. */
export const shouldDisable = (failingSince: string | undefined, now: Date, scale = 1): boolean =>
  failingSince !== undefined && now.getTime() - Date.parse(failingSince) >= disableAfterMs * scale;
