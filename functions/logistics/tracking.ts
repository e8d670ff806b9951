/**
 * Shipment tracking: the normalized statuses, the partner webhook body (API.md "Logistics
 * partners") and the projection of a shipment's events onto its status and timeline.
 *
 * Pure: no I/O, no clock. Partners retry and deliver batches out of order, so the
 * projection is a function of the *set* of events: any order and any duplication of the
 * same events gives the same result (property-tested).
 */
import * as z from 'zod/mini';
import type { FieldError } from '../shared/errors.js';
import { issueMessage } from '../shared/validation.js';

/** The normalized tracking statuses, in lifecycle order. */
export const trackingStatuses = [
  'label_created',
  'picked_up',
  'export_cleared',
  'departed',
  'arrived',
  'customs_hold',
  'import_cleared',
  'out_for_delivery',
  'delivery_failed',
  'delivered',
  'exception',
  'returned',
] as const;

export type TrackingStatus = (typeof trackingStatuses)[number];

/** The first of these in time order fixes a shipment's status for good. */
export const terminalStatuses = ['delivered', 'returned'] as const satisfies readonly TrackingStatus[];

export type TerminalStatus = (typeof terminalStatuses)[number];

const terminalSet: ReadonlySet<TrackingStatus> = new Set(terminalStatuses);

export const isTerminalStatus = (status: TrackingStatus): status is TerminalStatus => terminalSet.has(status);

/**
 * True once the parcel is in the carrier's hands: every status from `picked_up` on in the
 * lifecycle order, i.e. everything but `label_created` (`delivery_failed` and `exception`
 * included). A shipment's first such event makes its order `shipped`.
 */
export const isShippedStatus = (status: TrackingStatus): boolean =>
  trackingStatuses.indexOf(status) >= trackingStatuses.indexOf('picked_up');

// ---------------------------------------------------------------------------------------
// Partner webhook body

const iataAirport = z.string().check(z.regex(/^[A-Z]{3}$/, 'expected a 3-letter IATA airport code (upper case)'));

export const trackingStatus = z.enum(trackingStatuses);

/**
 * ISO 8601 date-time with `Z` or a UTC offset (`+08:00`); normalised to UTC
 * (`Date#toISOString()`, millisecond precision). A date-time without an offset is refused:
 * it does not name an instant.
 */
export const occurredAt = z.pipe(
  z.iso.datetime({ offset: true }),
  z.transform((value, ctx) => {
    const instant = new Date(value);
    const time = instant.getTime();
    // The format check admits a few strings no Date can hold (or that leave the 4-digit years once shifted to UTC).
    if (Number.isNaN(time) || instant.getUTCFullYear() < 1 || instant.getUTCFullYear() > 9999) {
      ctx.issues.push({ code: 'custom', message: 'not a valid date-time', input: value });
      return z.NEVER;
    }
    return instant.toISOString();
  }),
);

export const location = z.object({
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code (upper case)')),
  city: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  iata: z.optional(iataAirport),
});

/**
 * IATA flight designator: airline code (2 characters, or a 3-letter ICAO code), 1-4 digits,
 * optional suffix letter. Partners write it with spaces and in lower case (`cx 880`): both
 * are normalised away (`CX880`) before the check.
 */
export const flightNumber = z.pipe(
  z.pipe(
    z.string().check(z.maxLength(32)),
    z.transform((value: string) => value.replace(/\s+/g, '').toUpperCase()),
  ),
  z.string().check(z.regex(/^[A-Z0-9]{2,3}\d{1,4}[A-Z]?$/, 'expected a flight number such as CA123')),
);

export const flight = z.object({
  number: flightNumber,
  origin: iataAirport,
  destination: iataAirport,
});

export const partnerEvent = z.object({
  eventId: z.string().check(z.minLength(1), z.maxLength(128)),
  trackingNumber: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9-]+$/, 'expected letters, digits and hyphens')),
  status: trackingStatus,
  occurredAt,
  location: z.optional(location),
  flight: z.optional(flight),
  description: z.optional(z.string().check(z.maxLength(500))),
});

/** `POST /v1/webhooks/logistics/{partnerCode}` body. Unknown fields are ignored (dropped). */
export const partnerWebhookBody = z.object({
  events: z.array(partnerEvent).check(z.minLength(1), z.maxLength(100)),
});

// ---------------------------------------------------------------------------------------
// Per-event validation: one bad event never sinks its batch

/** The envelope a batch must have (anything wrong here is a 400 for the whole request). */
export const partnerWebhookEnvelope = z.object({
  events: z.array(z.unknown()).check(z.minLength(1), z.maxLength(100)),
});

/** How far ahead of the server's clock an event may be stamped (scanner clocks drift by minutes). */
export const futureToleranceMs = 15 * 60_000;

export type RejectionCode = 'validation_failed' | 'occurred_at_in_future';

/** An event left out of its batch, with why (API.md: `rejected`). */
export interface RejectedEvent {
  readonly index: number;
  readonly eventId?: string;
  readonly code: RejectionCode;
  readonly errors?: readonly FieldError[];
}

export interface SortedEvents {
  readonly events: PartnerEvent[];
  readonly rejected: RejectedEvent[];
}

const eventIdOf = (raw: unknown): string | undefined => {
  if (typeof raw !== 'object' || raw === null || !('eventId' in raw)) return undefined;
  const id = partnerEvent.shape.eventId.safeParse(raw.eventId);
  return id.success ? id.data : undefined;
};

/**
 * Validates each event of a batch on its own: the valid ones are returned (in batch order),
 * each invalid one is listed with its index, its `eventId` when readable, a code and the
 * fields at fault. An event stamped more than 15 minutes after `now` is refused
 * (`occurred_at_in_future`): it would stay "latest" and freeze the parcel's status.
 */
export const sortEvents = (raw: readonly unknown[], now: Date): SortedEvents => {
  const events: PartnerEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const latest = now.getTime() + futureToleranceMs;
  raw.forEach((candidate, index) => {
    const eventId = eventIdOf(candidate);
    const parsed = partnerEvent.safeParse(candidate);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({ path: ['events', index, ...issue.path].map(String).join('.'), message: issueMessage(issue) }));
      rejected.push({ index, ...(eventId !== undefined ? { eventId } : {}), code: 'validation_failed', errors });
    } else if (Date.parse(parsed.data.occurredAt) > latest) {
      rejected.push({
        index,
        eventId: parsed.data.eventId,
        code: 'occurred_at_in_future',
        errors: [{ path: `events.${index}.occurredAt`, message: `more than 15 minutes after the server's clock (${now.toISOString()})` }],
      });
    } else {
      events.push(parsed.data);
    }
  });
  return { events, rejected };
};

export type Location = z.output<typeof location>;
export type Flight = z.output<typeof flight>;
export type PartnerEvent = z.output<typeof partnerEvent>;
export type PartnerWebhookBody = z.output<typeof partnerWebhookBody>;

// ---------------------------------------------------------------------------------------
// Timeline projection

/** One event of a shipment's timeline, as stored. `occurredAt` is UTC in `toISOString()` form. */
export interface TimelineEvent {
  readonly eventId: string;
  readonly status: TrackingStatus;
  readonly occurredAt: string;
  readonly location?: Location | undefined;
  readonly flight?: Flight | undefined;
  readonly description?: string | undefined;
}

export interface ShipmentProjection {
  /** Latest status by `occurredAt`, except that the first terminal event fixes it; null without events. */
  readonly status: TrackingStatus | null;
  /** Events sorted by (occurredAt, eventId), one per eventId. */
  readonly timeline: TimelineEvent[];
  /** Flight of the latest `departed`/`arrived` event that carries one. */
  readonly currentFlight: Flight | null;
  readonly lastEventAt: string | null;
  readonly terminal: boolean;
}

/** The timeline part of a partner event (drops `trackingNumber`). */
export const timelineEventOf = (event: PartnerEvent): TimelineEvent => canonical(event);

/** A fresh copy with a fixed key order and no absent optionals, so equal events compare and serialise equal. */
const canonical = (event: TimelineEvent): TimelineEvent => {
  const { location: where, flight: leg, description } = event;
  return {
    eventId: event.eventId,
    status: event.status,
    occurredAt: event.occurredAt,
    ...(where
      ? {
          location: {
            country: where.country,
            ...(where.city !== undefined ? { city: where.city } : {}),
            ...(where.iata !== undefined ? { iata: where.iata } : {}),
          },
        }
      : {}),
    ...(leg ? { flight: { number: leg.number, origin: leg.origin, destination: leg.destination } } : {}),
    ...(description !== undefined ? { description } : {}),
  };
};

// Code-unit comparison: locale-independent, and chronological for `toISOString()` strings.
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Projects a shipment's events (in any order, duplicates allowed) onto its status.
 *
 * - One event per `eventId`: of several with the same id, the one with the smallest
 *   (occurredAt, canonical JSON), so the choice never depends on input order. (The webhook
 *   handler drops ids it has already seen before merging; this is the safety net.)
 * - The timeline is sorted by (occurredAt, eventId).
 * - Walking it in order, each event's status replaces the current one until a terminal
 *   status is reached: the first terminal event fixes the status, whatever arrives later.
 */
export const projectTimeline = (events: readonly TimelineEvent[]): ShipmentProjection => {
  const byId = new Map<string, { readonly event: TimelineEvent; readonly json: string }>();
  for (const raw of events) {
    const event = canonical(raw);
    const json = JSON.stringify(event);
    const kept = byId.get(event.eventId);
    if (
      !kept ||
      compareText(event.occurredAt, kept.event.occurredAt) < 0 ||
      (event.occurredAt === kept.event.occurredAt && compareText(json, kept.json) < 0)
    ) {
      byId.set(event.eventId, { event, json });
    }
  }
  const timeline = [...byId.values()]
    .map(({ event }) => event)
    .sort((a, b) => compareText(a.occurredAt, b.occurredAt) || compareText(a.eventId, b.eventId));

  let status: TrackingStatus | null = null;
  let currentFlight: Flight | null = null;
  for (const event of timeline) {
    if (status === null || !isTerminalStatus(status)) status = event.status;
    if (event.flight && (event.status === 'departed' || event.status === 'arrived')) currentFlight = event.flight;
  }
  return {
    status,
    timeline,
    currentFlight,
    lastEventAt: timeline.at(-1)?.occurredAt ?? null,
    terminal: status !== null && isTerminalStatus(status),
  };
};

/** A stored timeline plus newly received events -> the new projection. */
export const mergeTimeline = (existing: readonly TimelineEvent[], incoming: readonly TimelineEvent[]): ShipmentProjection =>
  projectTimeline([...existing, ...incoming]);

// ---------------------------------------------------------------------------------------
// The shipment's head: its status summary, kept up to date one batch at a time

/**
 * What a shipment's head item knows of its timeline, so a batch is applied without reading
 * the (unbounded) timeline. Applying events is a join: commutative, associative and
 * idempotent (re-applying an event changes nothing), so a retried or concurrent batch can
 * never move the head backwards, and a crash between writing events and the head is
 * mended by the partner's retry.
 */
export interface TrackingHead {
  readonly status: TrackingStatus;
  /** `occurredAt` / `eventId` of the event the status comes from ('' before any event). */
  readonly statusAt: string;
  readonly statusEventId: string;
  readonly terminal: boolean;
  readonly currentFlight: Flight | null;
  /** `${occurredAt}#${eventId}` of the event `currentFlight` comes from ('' none). */
  readonly flightKey: string;
  readonly lastEventAt: string | null;
}

const later = (a: { occurredAt: string; eventId: string }, atB: string, idB: string): boolean =>
  a.occurredAt > atB || (a.occurredAt === atB && a.eventId > idB);

/**
 * The head after these events (any order, duplicates allowed). Before a terminal status the
 * latest event by (occurredAt, eventId) gives the status; the earliest terminal event of the
 * first batch that brings one fixes it for good, whatever its stamp: once delivered or
 * returned, no event moves the shipment away (scanner clocks drift; a late older `returned`
 * does not swap a `delivered`).
 */
export const applyToHead = (head: TrackingHead, events: readonly TimelineEvent[]): TrackingHead => {
  const sorted = [...events].sort((a, b) => compareText(a.occurredAt, b.occurredAt) || compareText(a.eventId, b.eventId));
  let { status, statusAt, statusEventId, currentFlight, flightKey, lastEventAt } = head;
  let { terminal } = head;
  const firstTerminal = terminal ? undefined : sorted.find((e) => isTerminalStatus(e.status));
  if (firstTerminal) {
    ({ status, occurredAt: statusAt, eventId: statusEventId } = firstTerminal);
    terminal = true;
  }
  for (const event of sorted) {
    if (!terminal && later(event, statusAt, statusEventId)) ({ status, occurredAt: statusAt, eventId: statusEventId } = event);
    const key = `${event.occurredAt}#${event.eventId}`;
    if (event.flight && (event.status === 'departed' || event.status === 'arrived') && key > flightKey) {
      currentFlight = event.flight;
      flightKey = key;
    }
    if (lastEventAt === null || event.occurredAt > lastEventAt) lastEventAt = event.occurredAt;
  }
  return { status, statusAt, statusEventId, terminal, currentFlight, flightKey, lastEventAt };
};

/** A booked parcel's head before any event. */
export const bookedHead: TrackingHead = {
  status: 'label_created',
  statusAt: '',
  statusEventId: '',
  terminal: false,
  currentFlight: null,
  flightKey: '',
  lastEventAt: null,
};
