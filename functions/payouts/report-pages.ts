/**
 * Paged finance reports (decisions 0024, 0053): a report answers at most `reportPageMax` lines;
 * a larger one continues with `cursor`. JSON pages carry `nextCursor`; a CSV page carries the
 * next page in `x-next-cursor` and `link`, and only the first has the BOM and header, so the
 * pages concatenate into one file.
 */
import * as z from 'zod/mini';

/** Lines per response, at most. */
export const reportPageMax = 5_000;

/**
 * A page's lines, at most, in bytes of the Lambda response (6 MB at most, where the body is a
 * string inside JSON: its quotes and escapes count twice). 5,000 lines with names at their
 * longest can pass 6 MB; with this budget such a page ends earlier and continues by cursor.
 */
export const reportPageBytes = 5_000_000;

/** What a value adds to a response whose body is its JSON: its bytes, escaped once more as the body string. */
export const responseBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(JSON.stringify(value)));

export const reportQuery = z.object({
  format: z._default(z.enum(['json', 'csv']), 'json'),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(reportPageMax)), reportPageMax),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** The headers that lead a CSV page's reader to the next page (none on the last). */
export const nextCsvPageHeaders = (path: string, limit: number, nextCursor: string | null): Record<string, string> =>
  nextCursor ? { 'x-next-cursor': nextCursor, link: `<${path}?format=csv&limit=${limit}&cursor=${encodeURIComponent(nextCursor)}>; rel="next"` } : {};
