import type { z } from 'zod';
import { ApiKeyCreatedV1 } from './schemas/platform.js';

/** Event sources, one per bounded context. */
export const eventSources = {
  orders: 'xborder.orders',
  payments: 'xborder.payments',
  logistics: 'xborder.logistics',
  payouts: 'xborder.payouts',
  platform: 'xborder.platform',
} as const;
export type EventSource = (typeof eventSources)[keyof typeof eventSources];

interface CatalogueEntry {
  readonly source: EventSource;
  readonly version: number;
  readonly schema: z.ZodType;
  readonly description: string;
}

/**
 * The event catalogue: detail-type -> source, current version and zod schema of `detail`.
 * The JSON Schemas in events/json-schema/ are generated from this (npm run events:schemas).
 */
export const eventCatalogue = {
  ApiKeyCreated: {
    source: eventSources.platform,
    version: 1,
    schema: ApiKeyCreatedV1,
    description: 'An operator issued an API key (audit trail).',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type DetailType = keyof typeof eventCatalogue;
export type EventDetailOf<T extends DetailType> = z.infer<(typeof eventCatalogue)[T]['schema']>;
export type EventDataOf<T extends DetailType> = EventDetailOf<T>['data'];

export const detailTypes = Object.keys(eventCatalogue) as DetailType[];
