import { plainPublicRoute } from '../shared/plain-route.js';
import { languages, negotiateLanguage, type Language } from '../shared/problem.js';
import { isProblemCode, problemPage, problemPageCsp } from './problem-pages.js';

const isLanguage = (lang: string): lang is Language => (languages as readonly string[]).includes(lang);

const langMessage: Readonly<Record<Language, string>> = {
  en: `Invalid option: expected one of ${languages.map((l) => `"${l}"`).join('|')}`,
  'zh-CN': `无效选项：期望以下之一 ${languages.map((l) => `"${l}"`).join('|')}`,
};

/**
 * GET /problems/{code}: what a problem `type` URI resolves to: the code's page (status, when it
 * happens, what to do, its detail sentences, an example), in English or Simplified Chinese by
 * `?lang=` or `Accept-Language`. An unknown code is a 404 problem, an unknown `lang` a 400.
 * A plain route (its parameters are documented in page-params.ts).
 */
export const handler = plainPublicRoute((event) => {
  const code = event.pathParameters?.code ?? '';
  const asked = event.queryStringParameters?.lang;
  if (asked !== undefined && !isLanguage(asked)) {
    return { problem: 'validation_failed', errors: [{ path: 'lang', message: langMessage[negotiateLanguage(event.headers['accept-language'])] }] };
  }
  if (!isProblemCode(code)) return { problem: 'not_found' };
  const lang = asked ?? negotiateLanguage(event.headers['accept-language']);
  return {
    status: 200,
    text: problemPage(code, lang),
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
