import { AsyncLocalStorage } from 'node:async_hooks';
import type * as z from 'zod/mini';
// Only the two locales the API speaks (importing 'zod/locales' would bundle every one of them).
import zhCN from 'zod/v4/locales/zh-CN.js';
// English messages for every issue (zod/mini loads no locale).
import './zod-english.js';
import { ProblemError, type FieldError } from './errors.js';
import type { Language } from './problem.js';

/** The language of the request being served (set by the HTTP adapter), for `errors[].message`. */
const requestLanguage = new AsyncLocalStorage<Language>();

export const withLanguage = <T>(lang: Language, fn: () => T): T => requestLanguage.run(lang, fn);

const chinese = zhCN().localeError;

/**
 * The issue's message in a language: zod's own (English) message; in Chinese the zh-CN
 * locale's, except for `custom` issues (refinements), whose message the schema wrote and no
 * locale knows.
 */
export const issueMessage = (issue: z.core.$ZodIssue, lang: Language = 'en'): string => {
  if (lang === 'en' || issue.code === 'custom') return issue.message;
  const localized = chinese(issue as unknown as Parameters<typeof chinese>[0]);
  const text = typeof localized === 'string' ? localized : localized?.message;
  return text ?? issue.message;
};

export const fieldErrors = (error: z.core.$ZodError, prefix?: string, lang: Language = requestLanguage.getStore() ?? 'en'): FieldError[] =>
  error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'),
    message: issueMessage(issue, lang),
  }));

/** Parses with a zod schema; failure is a 400 `validation_failed` listing every field. */
export const validate = <S extends z.ZodMiniType>(schema: S, value: unknown, prefix?: string): z.output<S> => {
  // The input stays on the issues so the zh-CN locale can name what was received; it never reaches a client.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ProblemError('validation_failed', { errors: fieldErrors(result.error, prefix) });
  return result.data;
};
