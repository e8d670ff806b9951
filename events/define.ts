import type * as z from 'zod/mini';
import type { EventSource } from './sources.js';

/**
 * One event contract: detail-type, source, version and the zod schema of `detail`. Each lives
 * beside its schema (events/schemas/<context>.ts), so a handler imports the one contract it
 * emits or consumes and its bundle carries that context's schemas, never the whole catalogue
 * (events/catalogue.ts gathers them for the infrastructure, docs and tests).
 */
export interface EventContract<T extends string = string, S extends z.ZodMiniType = z.ZodMiniType> {
  readonly detailType: T;
  readonly source: EventSource;
  readonly version: number;
  readonly schema: S;
  readonly description: string;
}

/**
 * The schema is built the first time it is used, so a bundle that imports one contract of a
 * context builds that one, not every schema of the file (cold start: about 1 ms each).
 */
export const defineEvent = <const T extends string, S extends z.ZodMiniType>(
  detailType: T,
  entry: Omit<EventContract<T, S>, 'detailType' | 'schema'> & { readonly schema: () => S },
): EventContract<T, S> => {
  let built: S | undefined;
  return {
    detailType,
    source: entry.source,
    version: entry.version,
    description: entry.description,
    get schema(): S {
      built ??= entry.schema();
      return built;
    },
  };
};

export type DetailOf<E extends EventContract> = z.output<E['schema']>;
export type DataOf<E extends EventContract> = DetailOf<E> extends { data: infer D } ? D : never;
