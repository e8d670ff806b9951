import { createHash } from 'node:crypto';
import * as z from 'zod';
import { db } from '../shared/db/service.js';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import type { TimelineEvent } from './tracking.js';

export const trackingPath = z.object({ trackingNumber: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a tracking number') });

/**
 * GET /v1/tracking/{trackingNumber} (public): status, timeline and current flight of the
 * most recently booked parcel with that number. No buyer or merchant data. Cacheable for a
 * minute, with an ETag (304 when unchanged).
 */
export const handler = httpHandler({ access: publicRoute, path: trackingPath }, async (request) => {
  const { data } = await db().entities.shipment.query.byTrackingNumber({ trackingNumber: request.path.trackingNumber }).go({ order: 'desc', limit: 1 });
  const shipment = data[0];
  if (!shipment) throw new ProblemError('not_found');
  const body = {
    trackingNumber: shipment.trackingNumber,
    status: shipment.status,
    events: (shipment.timeline as TimelineEvent[]).map(({ status, occurredAt, location, flight, description }) => ({
      status,
      occurredAt,
      ...(location ? { location } : {}),
      ...(flight ? { flight } : {}),
      ...(description ? { description } : {}),
    })),
    ...(shipment.currentFlight ? { currentFlight: shipment.currentFlight } : {}),
  };
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  const headers = { 'cache-control': 'public, max-age=60', etag, vary: 'accept-language' };
  if (request.headers['if-none-match'] === etag) return { status: 304, headers };
  return { status: 200, body, headers };
});
