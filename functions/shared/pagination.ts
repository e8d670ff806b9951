import * as z from 'zod/mini';
import { decodeCursor, encodeCursor } from './cursor.js';
import { readSecret } from './secrets.js';

/** `?limit=&cursor=`: limit 1..100, default 20. */
export const listQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export interface Page<T> {
  readonly data: readonly T[];
  readonly nextCursor: string | null;
}

/** Turns a client cursor back into the store's position (400 if it was edited or belongs to another list). */
export const readCursor = async (scope: string, cursor: string | undefined): Promise<string | null> => {
  if (!cursor) return null;
  const position = decodeCursor(await readSecret('cursorKey'), scope, cursor);
  return typeof position === 'string' ? position : null;
};

/** Wraps the store's next position (db/position.ts) into a signed, scoped cursor. */
export const pageOf = async <T>(scope: string, data: readonly T[], position: string | null): Promise<Page<T>> => ({
  data,
  nextCursor: position ? encodeCursor(await readSecret('cursorKey'), scope, position) : null,
});
