import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { listUnmatchedEvents } from './unmatched-store.js';

/**
 * GET /v1/admin/stripe-events: Stripe events acknowledged but not applied to any order
 * (another integration's PaymentIntents, orders that never appeared), newest first.
 */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async (request) => {
  const scope = 'stripe-events';
  const position = await readCursor(scope, request.query.cursor);
  const { events, cursor } = await listUnmatchedEvents(request.query.limit, position);
  return { status: 200, body: await pageOf(scope, events, cursor) };
});
