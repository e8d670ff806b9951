import * as z from 'zod/mini';
import type { HttpResult } from '../shared/http.js';
import { pageOf, readCursor } from '../shared/pagination.js';

/** What the operators' list routes read: one Query page from the store's position. */
export type PageFetch<T> = (limit: number, position: string | null) => Promise<{ data: T[]; cursor: string | null }>;

/** One page of an operator list, with a signed cursor scoped to that list. */
export const listAnswer = async <T, V>(scope: string, query: { limit: number; cursor?: string | undefined }, fetch: PageFetch<T>, view: (item: T) => V): Promise<HttpResult> => {
  const { data, cursor } = await fetch(query.limit, await readCursor(scope, query.cursor));
  return { status: 200, body: await pageOf(scope, data.map(view), cursor) };
};

/** An id path parameter of one type: prefix and a bounded body, so an over-long id is a 400, never a key error. */
export const idPath = (prefix: string) => z.object({ id: z.string().check(z.regex(new RegExp(`^${prefix}_[A-Za-z0-9]{1,60}$`), `a ${prefix}_ id`)) });
