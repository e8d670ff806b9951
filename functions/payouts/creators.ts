import * as z from 'zod/mini';
import { parseStored } from '../shared/db/stored-item.js';
import { toDecimalString } from '../shared/money.js';
import type { createCreatorBody, patchCreatorBody } from './creator-body.js';

/** A creator's terms: everything a commission or payout line is computed from. */
export interface CreatorTerms {
  readonly displayName: string;
  readonly taxResidency: 'resident' | 'non_resident';
  readonly identityVerified: boolean;
  readonly followers: number;
  readonly contract: { readonly type: 'agency' | 'personal'; readonly agencyId: string | null; readonly commissionRateBps: number; readonly startsOn: string };
  /** Monthly deductions (resident wages), fen. */
  readonly deductions: { readonly monthlySpecialFen: number; readonly monthlySpecialAdditionalFen: number };
  readonly lowIncomeRule: boolean;
}

/** Terms as stored (a map on the creator and each creator version item). */
const storedTerms: z.ZodMiniType<CreatorTerms> = z.lazy(() =>
  z.object({
    displayName: z.string(),
    taxResidency: z.enum(['resident', 'non_resident']),
    identityVerified: z.boolean(),
    followers: z.number().check(z.int()),
    contract: z.object({ type: z.enum(['agency', 'personal']), agencyId: z.nullable(z.string()), commissionRateBps: z.number().check(z.int()), startsOn: z.string() }),
    deductions: z.object({ monthlySpecialFen: z.number().check(z.int()), monthlySpecialAdditionalFen: z.number().check(z.int()) }),
    lowIncomeRule: z.boolean(),
  }),
);

/** A creator's stored terms, validated where they are read. */
export const termsOf = (item: { readonly creatorId: string; readonly terms: unknown }): CreatorTerms => parseStored(storedTerms, item.terms, `creator ${item.creatorId} terms`);

/** The platform's creator-partner threshold (DOMAIN.md). */
export const minFollowers = 1_000;

export const eligibility = (terms: Pick<CreatorTerms, 'identityVerified' | 'followers'>): { eligible: boolean; reason: string | null } => {
  if (!terms.identityVerified) return { eligible: false, reason: 'identity not verified' };
  if (terms.followers < minFollowers) return { eligible: false, reason: `fewer than ${minFollowers} followers` };
  return { eligible: true, reason: null };
};

export const termsFrom = (body: z.output<typeof createCreatorBody>): CreatorTerms => ({
  displayName: body.displayName,
  taxResidency: body.taxResidency,
  identityVerified: body.identityVerified,
  followers: body.followers,
  contract: { type: body.contract.type, agencyId: body.contract.agencyId ?? null, commissionRateBps: body.contract.commissionRateBps, startsOn: body.contract.startsOn },
  deductions: { monthlySpecialFen: body.deductions?.monthlySpecial ?? 0, monthlySpecialAdditionalFen: body.deductions?.monthlySpecialAdditional ?? 0 },
  lowIncomeRule: body.lowIncomeRule ?? false,
});

export const patchTerms = (terms: CreatorTerms, patch: z.output<typeof patchCreatorBody>): CreatorTerms => ({
  ...terms,
  ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
  ...(patch.taxResidency !== undefined ? { taxResidency: patch.taxResidency } : {}),
  ...(patch.identityVerified !== undefined ? { identityVerified: patch.identityVerified } : {}),
  ...(patch.followers !== undefined ? { followers: patch.followers } : {}),
  ...(patch.lowIncomeRule !== undefined ? { lowIncomeRule: patch.lowIncomeRule } : {}),
  ...(patch.contract
    ? { contract: { type: patch.contract.type, agencyId: patch.contract.agencyId ?? null, commissionRateBps: patch.contract.commissionRateBps, startsOn: patch.contract.startsOn } }
    : {}),
  ...(patch.deductions
    ? {
        deductions: {
          monthlySpecialFen: patch.deductions.monthlySpecial ?? terms.deductions.monthlySpecialFen,
          monthlySpecialAdditionalFen: patch.deductions.monthlySpecialAdditional ?? terms.deductions.monthlySpecialAdditionalFen,
        },
      }
    : {}),
});

/** The names of the terms that differ (for the audit trail: what changed, never the amounts). */
export const changedTerms = (before: CreatorTerms, after: CreatorTerms): string[] =>
  (Object.keys(after) as (keyof CreatorTerms)[]).filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));

export const creatorView = (creatorId: string, terms: CreatorTerms, meta: { version: number; createdAt: string; updatedAt: string }) => ({
  id: creatorId,
  displayName: terms.displayName,
  taxResidency: terms.taxResidency,
  identityVerified: terms.identityVerified,
  followers: terms.followers,
  eligible: eligibility(terms).eligible,
  contract: { type: terms.contract.type, agencyId: terms.contract.agencyId, commissionRateBps: terms.contract.commissionRateBps, startsOn: terms.contract.startsOn },
  deductions: {
    monthlySpecial: toDecimalString(terms.deductions.monthlySpecialFen),
    monthlySpecialAdditional: toDecimalString(terms.deductions.monthlySpecialAdditionalFen),
  },
  lowIncomeRule: terms.lowIncomeRule,
  version: meta.version,
  createdAt: meta.createdAt,
  updatedAt: meta.updatedAt,
});
