import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { partnerCode } from './partner-code.js';
import { parcelEvents, parcelsByTrackingNumber, type ShipmentHeadRecord } from './shipment-read.js';
import { projectTimeline, type TimelineEvent } from './tracking.js';

export const trackingPath = z.object({ trackingNumber: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'a tracking number')) });
export const trackingQuery = z.object({ partner: z.optional(partnerCode) });

/** A finished parcel stays a candidate for its number this long after its last event. */
export const trackingAmbiguityDays = 30;

type Head = Pick<ShipmentHeadRecord, 'shipmentId' | 'partnerCode' | 'terminal' | 'bookedAt' | 'lastActivityAt'>;

/**
 * Which parcels a public tracking number may mean: per partner the most recently booked
 * parcel with that number (carriers recycle numbers), narrowed to `partner` when given.
 * Parcels still moving, or finished within 30 days, come first: a parcel long delivered by
 * one partner does not make a number another partner uses today ambiguous.
 */
export const candidatesFor = <H extends Head>(heads: readonly H[], now: Date, partner?: string): H[] => {
  const latest = new Map<string, H>();
  for (const head of heads) {
    if (partner !== undefined && head.partnerCode !== partner) continue;
    const kept = latest.get(head.partnerCode);
    if (!kept || `${head.bookedAt}#${head.shipmentId}` > `${kept.bookedAt}#${kept.shipmentId}`) latest.set(head.partnerCode, head);
  }
  const all = [...latest.values()].sort((a, b) => (a.partnerCode < b.partnerCode ? -1 : 1));
  const since = new Date(now.getTime() - trackingAmbiguityDays * 86_400_000).toISOString();
  const current = all.filter((h) => !h.terminal || h.lastActivityAt >= since);
  return current.length > 0 ? current : all;
};

const eventView = ({ status, occurredAt, location, flight, description }: TimelineEvent) => ({
  status,
  occurredAt,
  ...(location ? { location } : {}),
  ...(flight ? { flight } : {}),
  ...(description ? { description } : {}),
});

/**
 * GET /v1/tracking/{trackingNumber}[?partner=CODE] (public): status, timeline and current
 * flight of the parcel with that number. A number is unique per partner only: when parcels
 * of several partners share it, the answer is `300 Multiple Choices` listing the partners
 * (with the link for each) instead of any one parcel; `?partner=` picks one. One Query finds
 * the parcels, one Query (paginated) reads the chosen parcel's timeline. No buyer or
 * merchant data. Cacheable for a minute, with an ETag (304 when unchanged).
 */
export const handler = httpHandler({ access: publicRoute, path: trackingPath, query: trackingQuery }, async (request) => {
  const { trackingNumber } = request.path;
  const heads = await parcelsByTrackingNumber(trackingNumber);
  const candidates = candidatesFor(heads, new Date(), request.query.partner);
  const headers = { 'cache-control': 'public, max-age=60', vary: 'accept-language' };
  if (candidates.length > 1) {
    const choices = candidates.map((c) => ({ partnerCode: c.partnerCode, href: `/v1/tracking/${encodeURIComponent(trackingNumber)}?partner=${c.partnerCode}` }));
    return { status: 300, body: { trackingNumber, choices }, headers };
  }
  const shipment = candidates[0];
  if (!shipment) throw new ProblemError('not_found');
  const { timeline } = projectTimeline([...(shipment.timeline ?? []), ...(await parcelEvents(shipment.shipmentId))]);
  const body = {
    trackingNumber: shipment.trackingNumber,
    status: shipment.status,
    events: timeline.map(eventView),
    ...(shipment.currentFlight ? { currentFlight: shipment.currentFlight } : {}),
  };
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  if (request.headers['if-none-match'] === etag) return { status: 304, headers: { ...headers, etag } };
  return { status: 200, body, headers: { ...headers, etag } };
});
