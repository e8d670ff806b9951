/**
 * What the routes that register or change an endpoint accept: their bodies and the URL check.
 * Apart from endpoints.ts, so that only those two bundles build the schemas and the address
 * block list (url-guard.ts) at import.
 */
import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { enforceUrlSafety } from './endpoints.js';
import { checkWebhookUrl, UrlRefusedError } from './url-guard.js';
import { webhookTypes } from './webhook-types.js';

const eventList = z
  .array(z.enum(webhookTypes))
  .check(z.minLength(1), z.maxLength(webhookTypes.length), z.refine((events) => new Set(events).size === events.length, 'each event type at most once'));
const url = z.string().check(z.trim(), z.minLength(1), z.maxLength(2048));

export const createEndpointBody = z.strictObject({ url, events: eventList });
export const updateEndpointBody = z
  .strictObject({ url: z.optional(url), events: z.optional(eventList), status: z.optional(z.enum(['enabled', 'disabled'])) })
  .check(z.refine((b) => b.url !== undefined || b.events !== undefined || b.status !== undefined, 'name at least one of url, events, status'));

/** The URL check at registration: a refusal is `400 validation_failed` on `url`. */
export const requireSafeUrl = async (raw: string): Promise<string> => {
  try {
    return (await checkWebhookUrl(raw, { enforce: enforceUrlSafety() })).toString();
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    const message = {
      not_a_url: 'not an absolute URL',
      scheme: enforceUrlSafety() ? 'must be an https:// URL' : 'must be an http:// or https:// URL',
      credentials: 'must not carry a user name or password',
      internal_host: 'must not resolve to a loopback, private, link-local or metadata address',
      unresolvable: 'host does not resolve',
    }[error.reason];
    throw new ProblemError('validation_failed', { errors: [{ path: 'url', message }] });
  }
};
