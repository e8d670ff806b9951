/**
 * The finance CLI's `tax-preview` (DOMAIN.md "Tax preview format"): withholding for
 * hypothetical cases, amounts as CNY decimal strings at the edges and integer fen
 * inside. Pure: takes the input text, returns the exit code and both streams.
 */
import * as z from 'zod/mini';
import { isDecimalAmount, parseDecimal, toDecimalString } from '../shared/money.js';
import { issueMessage } from '../shared/validation.js';
import {
  nonResidentLaborTaxFen,
  nonResidentWagesTaxFen,
  residentLaborMonthFen,
  residentWagesMonth,
  type WagesYtd,
} from './tax.js';

export interface TaxPreviewOutcome {
  readonly exitCode: 0 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export const taxPreviewMethods = ['resident_wages', 'resident_labor', 'non_resident_wages', 'non_resident_labor'] as const;

/** 1,000,000,000.00 yuan: far above any payout, and keeps every sum a safe integer of fen. */
const maxAmountFen = 100_000_000_000;
const maxPayments = 1_000;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  return `a value of type ${typeof value}`;
};

const amountProblem = (text: string): string | null => {
  const quoted = JSON.stringify(text);
  if (/^-\d+(?:\.\d+)?$/.test(text)) return `${quoted} is negative; amounts must be zero or more`;
  if (/^\d+\.\d{3,}$/.test(text)) return `${quoted} has more than two decimals`;
  if (!/^\d+(?:\.\d{1,2})?$/.test(text)) {
    return `${quoted} is not a decimal amount (digits with at most two decimals, e.g. "1234.50")`;
  }
  // Past 2^53 fen parseDecimal refuses the text: too large as well.
  if (!isDecimalAmount(text) || parseDecimal(text) > maxAmountFen) return `${quoted} is too large (at most ${toDecimalString(maxAmountFen)})`;
  return null;
};

/** A CNY decimal string -> integer fen. */
const amount = z.pipe(
  z.string({
    error: (issue) =>
      issue.input === undefined
        ? 'is required'
        : `must be a decimal string such as "1234.50", not ${describe(issue.input)}`,
  }),
  z.transform((text: string, ctx) => {
    const problem = amountProblem(text);
    if (problem !== null) {
      ctx.issues.push({ code: 'custom', message: problem, input: text });
      return z.NEVER;
    }
    return parseDecimal(text);
  }),
);

const id = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be a string, not ${describe(issue.input)}`) })
  .check(z.minLength(1, 'must not be empty'));

const monthNumber = z
  .number({ error: (issue) => `must be a month number 1..12, not ${describe(issue.input)}` })
  .check(
    z.int({ error: (issue) => `${String(issue.input)} is not a month number 1..12` }),
    z.gte(1, { error: (issue) => `${String(issue.input)} is not a month number 1..12` }),
    z.lte(12, { error: (issue) => `${String(issue.input)} is not a month number 1..12` }),
  );

const wagesMonth = z.strictObject({
  income: amount,
  specialDeductions: z.optional(amount),
  specialAdditionalDeductions: z.optional(amount),
});

const residentWagesCase = z
  .strictObject({
    id,
    method: z.literal('resident_wages'),
    months: z
      .array(wagesMonth)
      .check(
        z.minLength(1, 'must list at least one month'),
        z.maxLength(12, { error: (issue) => `lists more than 12 months (${describe(issue.input)})` }),
      ),
    startMonth: z.optional(monthNumber),
    lowIncomeRule: z.optional(z.boolean({ error: (issue) => `must be true or false, not ${describe(issue.input)}` })),
  })
  .check(
    z.superRefine((value, ctx) => {
      const start = value.startMonth ?? 1;
      const last = start + value.months.length - 1;
      if (last > 12) {
        ctx.addIssue({
          code: 'custom',
          path: ['months'],
          message: `${value.months.length} months from month ${start} run past December (months must lie in one tax year)`,
        });
      }
    }),
  );

const residentLaborCase = z.strictObject({
  id,
  method: z.literal('resident_labor'),
  payments: z
    .array(amount)
    .check(
      z.minLength(1, 'must list at least one payment'),
      z.maxLength(maxPayments, `must list at most ${maxPayments} payments`),
    ),
});

const nonResidentWagesCase = z.strictObject({ id, method: z.literal('non_resident_wages'), income: amount });

const nonResidentLaborCase = z.strictObject({ id, method: z.literal('non_resident_labor'), payment: amount });

const taxCase = z.discriminatedUnion('method', [
  residentWagesCase,
  residentLaborCase,
  nonResidentWagesCase,
  nonResidentLaborCase,
]);

const previewInput = z
  .strictObject({ cases: z.array(taxCase) })
  .check(
    z.superRefine((value, ctx) => {
      const seen = new Map<string, number>();
      value.cases.forEach((taxCase, index) => {
        const first = seen.get(taxCase.id);
        if (first === undefined) seen.set(taxCase.id, index);
        else {
          ctx.addIssue({
            code: 'custom',
            path: ['cases', index, 'id'],
            message: `${JSON.stringify(taxCase.id)} repeats the id of cases[${first}]`,
          });
        }
      });
    }),
  );

type TaxCase = z.infer<typeof taxCase>;

const methodList = taxPreviewMethods.map((method) => JSON.stringify(method)).join(', ');

const expectedType = (expected: string): string => {
  if (expected === 'array') return 'a list';
  if (expected === 'object') return 'an object';
  return `a ${expected}`;
};

/**
 * Messages for zod's built-in issues; the schemas above word their own. Any other issue keeps
 * zod's English message (issueMessage's module configures the English locale).
 */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${expectedType(issue.expected)}, not ${describe(issue.input)}`;
    case 'invalid_union': {
      const method: unknown =
        typeof issue.input === 'object' && issue.input !== null && 'method' in issue.input ? issue.input.method : undefined;
      if (method === undefined) return `is required (one of ${methodList})`;
      return `${typeof method === 'string' ? JSON.stringify(method) : describe(method)} is not a known method (one of ${methodList})`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
    default:
      return undefined;
  }
};

const formatPath = (path: readonly PropertyKey[]): string => {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? 'input' : text;
};

const withheldFor = (taxCase: TaxCase): string | string[] => {
  switch (taxCase.method) {
    case 'resident_wages': {
      // The year is immaterial (the tables have no year); all months share it.
      const year = 2000;
      const startMonth = taxCase.startMonth ?? 1;
      let ytd: WagesYtd | null = null;
      return taxCase.months.map((month, index) => {
        const result = residentWagesMonth({
          ytd,
          year,
          month: startMonth + index,
          startMonth,
          incomeFen: month.income,
          specialFen: month.specialDeductions ?? 0,
          additionalFen: month.specialAdditionalDeductions ?? 0,
          lowIncomeRule: taxCase.lowIncomeRule ?? false,
        });
        ytd = result.ytd;
        return toDecimalString(result.taxFen);
      });
    }
    case 'resident_labor':
      return residentLaborMonthFen(taxCase.payments).map(toDecimalString);
    case 'non_resident_wages':
      return toDecimalString(nonResidentWagesTaxFen(taxCase.income));
    case 'non_resident_labor':
      return toDecimalString(nonResidentLaborTaxFen(taxCase.payment));
  }
};

const failure = (lines: readonly string[]): TaxPreviewOutcome => ({
  exitCode: 2,
  stdout: '',
  stderr: `${lines.join('\n')}\n`,
});

export const runTaxPreview = (inputText: string): TaxPreviewOutcome => {
  let data: unknown;
  try {
    data = JSON.parse(inputText);
  } catch (error) {
    return failure([`input is not valid JSON (${error instanceof Error ? error.message : String(error)})`]);
  }

  const parsed = previewInput.safeParse(data, { error: errorMap, reportInput: true });
  if (!parsed.success) {
    return failure(parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issueMessage(issue)}`));
  }

  const results: { id: string; withheld: string | string[] }[] = [];
  for (const [index, taxCase] of parsed.data.cases.entries()) {
    try {
      results.push({ id: taxCase.id, withheld: withheldFor(taxCase) });
    } catch (error) {
      if (error instanceof RangeError) return failure([`cases[${index}]: ${error.message}`]);
      throw error;
    }
  }
  return { exitCode: 0, stdout: `${JSON.stringify({ results }, null, 2)}\n`, stderr: '' };
};
