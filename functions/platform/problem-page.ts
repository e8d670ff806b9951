import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { negotiateLanguage } from '../shared/problem.js';
import { isProblemCode, problemCodes, problemPage, problemPageCsp } from './problem-pages.js';

/** Any other name is a 404 (not a 400): it is a page address, not a parameter a client composes. */
export const problemPagePathSchema = z.object({
  code: z.string().check(z.meta({ description: 'A problem `code`.', enum: problemCodes, example: 'validation_failed' })),
});
export const problemPageQuery = z.object({
  lang: z.optional(z.enum(['en', 'zh-CN'])).check(z.meta({ description: 'The page language; without it, `Accept-Language` decides (English by default).' })),
});

/**
 * GET /problems/{code}: what a problem `type` URI resolves to: the code's page (status, when it
 * happens, what to do, its detail sentences, an example), in English or Simplified Chinese by
 * `?lang=` or `Accept-Language`. An unknown code is a 404 problem.
 */
export const handler = httpHandler({ access: publicRoute, path: problemPagePathSchema, query: problemPageQuery }, async (request) => {
  const { code } = request.path;
  if (!isProblemCode(code)) throw new ProblemError('not_found');
  const lang = request.query.lang ?? negotiateLanguage(request.headers['accept-language']);
  return {
    status: 200,
    body: problemPage(code, lang),
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-language': lang,
      'content-security-policy': problemPageCsp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'public, max-age=3600',
      vary: 'accept-language',
    },
  };
});
