import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { partnerPath } from './partners.js';

/**
 * GET /v1/admin/logistics-partners/{code}/unknown-tracking: events a partner sent for
 * numbers no shipment was booked with, newest first (kept 30 days for inspection).
 */
export const handler = httpHandler({ access: keyed('admin'), path: partnerPath, query: listQuery }, async (request) => {
  const partnerCode = request.path.code;
  const scope = `unknown-tracking:${partnerCode}`;
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db()
    .entities.unknownTracking.query.byPartner({ partnerCode })
    .go({ order: 'desc', limit: request.query.limit, cursor: position });
  const events = data.map(({ trackingNumber, eventId, event, receivedAt }) => ({ trackingNumber, eventId, receivedAt, event }));
  return { status: 200, body: await pageOf(scope, events, cursor) };
});
