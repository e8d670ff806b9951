/**
 * The bodies of POST /v1/admin/creators and PATCH /v1/admin/creators/{id}, apart from
 * creators.ts (terms, eligibility, views), which most payouts bundles import: only the two
 * routes that take a body build these schemas at import.
 */
import * as z from 'zod/mini';
import { isDecimalAmount, parseDecimal } from '../shared/money.js';

const cnyAmount = z.pipe(
  z.string().check(
    z.regex(/^\d+(\.\d{1,2})?$/, 'a CNY amount like "1500.00" (not negative, at most two decimals)'),
    // Past 2^53 fen parseDecimal throws: an issue here, never a 500 from the transform.
    z.refine(isDecimalAmount, 'too large an amount'),
  ),
  z.transform((text) => parseDecimal(text)),
);

const contract = z.strictObject({
  type: z.enum(['agency', 'personal']),
  agencyId: z.optional(z.string().check(z.startsWith('agy_'))),
  commissionRateBps: z.number().check(z.int(), z.gte(0), z.lte(10_000)),
  startsOn: z.iso.date(),
});

const fields = {
  displayName: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  taxResidency: z.enum(['resident', 'non_resident']),
  identityVerified: z.boolean(),
  followers: z.number().check(z.int(), z.gte(0)),
  contract,
  deductions: z.strictObject({ monthlySpecial: z.optional(cnyAmount), monthlySpecialAdditional: z.optional(cnyAmount) }),
  lowIncomeRule: z.boolean(),
};

const agencyRule = (value: { contract?: { type: string; agencyId?: string | undefined } | undefined }, ctx: z.core.$RefinementCtx) => {
  const c = value.contract;
  if (!c) return;
  if (c.type === 'agency' && !c.agencyId) ctx.addIssue({ code: 'custom', path: ['contract', 'agencyId'], message: 'required for an agency contract' });
  if (c.type === 'personal' && c.agencyId) ctx.addIssue({ code: 'custom', path: ['contract', 'agencyId'], message: 'only for an agency contract' });
};

export const createCreatorBody = z
  .strictObject({ ...fields, deductions: z.optional(fields.deductions), lowIncomeRule: z.optional(fields.lowIncomeRule) })
  .check(z.superRefine(agencyRule));
export const patchCreatorBody = z
  .strictObject({
    displayName: z.optional(fields.displayName),
    taxResidency: z.optional(fields.taxResidency),
    identityVerified: z.optional(fields.identityVerified),
    followers: z.optional(fields.followers),
    contract: z.optional(fields.contract),
    deductions: z.optional(fields.deductions),
    lowIncomeRule: z.optional(fields.lowIncomeRule),
  })
  .check(z.superRefine(agencyRule));
