/**
 * Paged finance reports (decisions 0024, 0053): a report answers at most `reportPageMax` lines;
 * a larger one continues with `cursor`. JSON pages carry `nextCursor`; a CSV page carries the
 * next page in `x-next-cursor` and `link`, and only the first has the BOM and header, so the
 * pages concatenate into one file.
 */
import * as z from 'zod/mini';

/** Lines per response: a page stays far under Lambda's 6 MB response limit (about 2 MB of JSON). */
export const reportPageMax = 5_000;

export const reportQuery = z.object({
  format: z._default(z.enum(['json', 'csv']), 'json'),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(reportPageMax)), reportPageMax),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

/** The headers that lead a CSV page's reader to the next page (none on the last). */
export const nextCsvPageHeaders = (path: string, limit: number, nextCursor: string | null): Record<string, string> =>
  nextCursor ? { 'x-next-cursor': nextCursor, link: `<${path}?format=csv&limit=${limit}&cursor=${encodeURIComponent(nextCursor)}>; rel="next"` } : {};
