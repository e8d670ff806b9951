import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { partnerPath } from './partner-code.js';
import { listUnknownTracking } from './unknown-tracking-read.js';

/**
 * GET /v1/admin/logistics-partners/{code}/unknown-tracking: events a partner sent for
 * numbers no shipment was booked with, newest first (kept 30 days for inspection).
 */
export const handler = httpHandler({ access: keyed('admin'), path: partnerPath, query: listQuery }, async (request) => {
  const partnerCode = request.path.code;
  const scope = `unknown-tracking:${partnerCode}`;
  const position = await readCursor(scope, request.query.cursor);
  const { events, next } = await listUnknownTracking(partnerCode, request.query.limit, position);
  const page = events.map(({ trackingNumber, eventId, event, receivedAt }) => ({ trackingNumber, eventId, receivedAt, event }));
  return { status: 200, body: await pageOf(scope, page, next) };
});
