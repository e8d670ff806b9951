import * as z from 'zod/mini';
import { issueMessage, validate } from '../../../functions/shared/validation.js';
import { useEnglishMessages } from '../../../functions/shared/zod-english.js';
import { ProblemError } from '../../../functions/shared/errors.js';

const body = z.object({
  name: z.string().check(z.minLength(1)),
  keyId: z.string().check(z.regex(/^key_/, 'a key id (key_...)')),
  total: z.number().check(z.int(), z.refine((n) => n % 2 === 0, 'total must be even')),
});
const bad = { name: '', keyId: 'x', total: 3 };

const errorsOf = (value: unknown): unknown => {
  try {
    validate(body, value);
  } catch (error) {
    if (error instanceof ProblemError) return error.errors;
    throw error;
  }
  throw new Error('expected a validation failure');
};

const messages = (value: unknown): string[] => {
  const result = body.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issueMessage(issue));
};

describe('validation messages as a Lambda bundle sees them (zod/mini, which loads no locale)', () => {
  // Tests elsewhere load zod classic, which sets English globally and would hide a missing
  // locale: start this file from none.
  beforeEach(() => z.config({ localeError: undefined }));

  it('zod/mini alone says only "Invalid input" where the schema set no message', () => {
    expect(messages(bad)).toEqual(['Invalid input', 'a key id (key_...)', 'total must be even']);
  });

  it('with the English locale zod-english.ts configures, every message is English and a schema\'s own message wins', () => {
    useEnglishMessages();
    expect(messages(bad)).toEqual(['Too small: expected string to have >=1 characters', 'a key id (key_...)', 'total must be even']);
  });

  it('a 400 lists every field in English, or in Chinese when asked', () => {
    useEnglishMessages();
    expect(errorsOf({ name: '', keyId: 'key_1', total: 1.5 })).toEqual([
      { path: 'name', message: 'Too small: expected string to have >=1 characters' },
      { path: 'total', message: 'Invalid input: expected int, received number' },
    ]);
    const result = body.safeParse(bad);
    expect(result.success ? '' : issueMessage(result.error.issues[0]!, 'zh-CN')).toMatch(/[\u4e00-\u9fff]/);
  });
});
