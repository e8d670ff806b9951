/** Money and its zod schemas; the arithmetic and formatting are in money-arithmetic.ts. */
import * as z from 'zod/mini';
import { currencies, type Currency } from './money-arithmetic.js';

export * from './money-arithmetic.js';

export const currencySchema = z.enum(currencies);

const minorUnits = z.number().check(z.int(), z.refine(Number.isSafeInteger, 'amount must be a safe integer'));

export const moneySchema = <C extends Currency>(currency?: C) =>
  z.object({
    amount: minorUnits.check(z.nonnegative()),
    currency: currency ? z.literal(currency) : currencySchema,
  });
