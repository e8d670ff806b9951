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

/** `?limit&cursor` of a paged finance answer: up to 5,000 lines, all of them by default. */
export const linesQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(reportPageMax)), reportPageMax),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const reportQuery = z.extend(linesQuery, { format: z._default(z.enum(['json', 'csv']), 'json') });

/**
 * A page of lines computed in memory and sorted by `keyOf`: those after the key `after` (all
 * when null), up to `limit` and `maxBytes` of `weigh` (a line's JSON in the response unless
 * told; the first line always fits), and the key of the last one when more follow. Keyed, not counted: lines that come or go between two pages shift
 * nothing else.
 */
export const linesPage = <T>(
  lines: readonly T[],
  keyOf: (line: T) => string,
  after: string | null,
  limit: number,
  { maxBytes = reportPageBytes, weigh = responseBytes }: { readonly maxBytes?: number; readonly weigh?: (line: T) => number } = {},
): { lines: T[]; next: string | null } => {
  const found = after === null ? 0 : lines.findIndex((line) => keyOf(line) > after);
  const start = found < 0 ? lines.length : found;
  const page: T[] = [];
  let bytes = 0;
  for (const line of lines.slice(start, start + limit)) {
    bytes += weigh(line);
    if (bytes > maxBytes && page.length > 0) break;
    page.push(line);
  }
  const last = page.at(-1);
  return { lines: page, next: last !== undefined && start + page.length < lines.length ? keyOf(last) : null };
};

/**
 * A CSV page's answer: the file's name, and the headers that lead its reader to the next page
 * (`x-next-cursor`, `link`; none on the last).
 */
export const csvPage = (body: string, file: string, path: string, limit: number, nextCursor: string | null) => ({
  status: 200,
  body,
  headers: {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${file}"`,
    ...(nextCursor ? { 'x-next-cursor': nextCursor, link: `<${path}?format=csv&limit=${limit}&cursor=${encodeURIComponent(nextCursor)}>; rel="next"` } : {}),
  },
});
