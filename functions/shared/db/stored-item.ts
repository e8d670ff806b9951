import * as z from 'zod/mini';
// The cause of a StoredItemError is logged with zod's English messages (zod/mini loads no locale).
import '../zod-english.js';

/** An item read from the table that does not have the shape its schema says it was written in. */
export class StoredItemError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'StoredItemError';
  }
}

/**
 * Validates what a read returned (an item, or nested data stored as a map) with its zod
 * schema: a bad item is an error that names it, with zod's issues as the cause, never a cast.
 */
export const parseStored = <S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw new StoredItemError(`${what} is not valid as stored`, { cause: result.error });
  return result.data;
};

/** An optional stored attribute: absent, or null as some writers leave it, reads as undefined. */
export const storedOptional = <S extends z.ZodMiniType>(schema: S) => z.pipe(z.nullish(schema), z.transform((value) => value ?? undefined));
