import fc from 'fast-check';
import { changedTerms, patchTerms, type CreatorTerms } from '../../../functions/payouts/creators.js';
import { keyStatus, keyView, rotationOverlapMs } from '../../../functions/platform/api-key-store.js';
import type { ApiKeyItem } from '../../../functions/shared/db/entities.js';

const base = Date.parse('2026-12-03T00:00:00.000Z');
const key: ApiKeyItem = {
  keyHash: 'a'.repeat(64),
  keyId: 'key_01TEST',
  role: 'merchant',
  tenantId: 'mer_01TEST',
  owner: 'mer_01TEST',
  keyPreview: 'xbk_…Zq9x',
  createdBy: 'admin',
  createdAt: new Date(base).toISOString(),
};

describe('key status', () => {
  it('a rotated key works until the end of its overlap and never after; a revoked key never works', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * rotationOverlapMs }), fc.integer({ min: 0, max: 3 * rotationOverlapMs }), fc.boolean(), (rotatedAfter, checkedAfter, revoked) => {
        const expiresAt = new Date(base + rotatedAfter + rotationOverlapMs).toISOString();
        const at = new Date(base + checkedAfter);
        const status = keyStatus({ expiresAt, ...(revoked ? { revokedAt: key.createdAt } : {}) }, at);
        if (revoked) expect(status).toBe('revoked');
        else expect(status).toBe(checkedAfter < rotatedAfter + rotationOverlapMs ? 'expiring' : 'expired');
      }),
      { numRuns: 500, seed: 20261203 },
    );
    expect(keyStatus({}, new Date(base + 10 * rotationOverlapMs))).toBe('active');
  });

  it('shows the last 4 characters and the merchant, never the hash', () => {
    const view = keyView(key, new Date(base));
    expect(view).toEqual({ id: 'key_01TEST', role: 'merchant', merchantId: 'mer_01TEST', createdAt: key.createdAt, createdBy: 'admin', last4: 'Zq9x', status: 'active' });
    expect(JSON.stringify(view)).not.toContain(key.keyHash);
  });
});

describe('what a change of creator terms changed', () => {
  const terms: CreatorTerms = {
    displayName: 'Lin Yue',
    taxResidency: 'resident',
    identityVerified: true,
    followers: 52_000,
    contract: { type: 'personal', agencyId: null, commissionRateBps: 1000, startsOn: '2026-11-01' },
    deductions: { monthlySpecialFen: 150_000, monthlySpecialAdditionalFen: 0 },
    lowIncomeRule: false,
  };

  it('names exactly the fields whose value differs after the patch', () => {
    const patch = fc.record(
      {
        displayName: fc.constantFrom('Lin Yue', 'Lin Yue Studio'),
        followers: fc.constantFrom(52_000, 60_000),
        identityVerified: fc.boolean(),
        lowIncomeRule: fc.boolean(),
        contract: fc.constantFrom(
          { type: 'personal' as const, commissionRateBps: 1000, startsOn: '2026-11-01' },
          { type: 'personal' as const, commissionRateBps: 1200, startsOn: '2026-11-01' },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patch, (p) => {
        const after = patchTerms(terms, p);
        const expected = (Object.keys(p) as (keyof typeof p)[]).filter((name) => JSON.stringify(after[name]) !== JSON.stringify(terms[name]));
        expect(changedTerms(terms, after).sort()).toEqual(expected.sort());
      }),
      { numRuns: 300, seed: 20261203 },
    );
  });
});
