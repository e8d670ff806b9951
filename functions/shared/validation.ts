import type { z } from 'zod';
import { ProblemError, type FieldError } from './errors.js';

export const fieldErrors = (error: z.ZodError, prefix?: string): FieldError[] =>
  error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));

/** Parses with a zod schema; failure is a 400 `validation_failed` listing every field. */
export const validate = <S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProblemError('validation_failed', { errors: fieldErrors(result.error, prefix) });
  return result.data;
};
