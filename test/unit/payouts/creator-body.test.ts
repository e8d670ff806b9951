import { createCreatorBody, patchCreatorBody } from '../../../functions/payouts/creator-body.js';

const body = {
  displayName: 'Lin',
  taxResidency: 'resident',
  identityVerified: true,
  followers: 12_000,
  contract: { type: 'personal', commissionRateBps: 1000, startsOn: '2026-01-01' },
};

describe('creator deductions are CNY amounts', () => {
  it('reads a decimal as fen', () => {
    const parsed = createCreatorBody.safeParse({ ...body, deductions: { monthlySpecial: '1500.5' } });
    expect(parsed.success && parsed.data.deductions?.monthlySpecial).toBe(150_050);
  });

  it.each(['99999999999999', '99999999999999999999.99'])('refuses %s (past 2^53 fen) as an issue, not a thrown error', (amount) => {
    for (const schema of [createCreatorBody, patchCreatorBody]) {
      const parsed = schema.safeParse({ ...(schema === createCreatorBody ? body : {}), deductions: { monthlySpecial: amount } });
      expect(parsed.success).toBe(false);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))).toContain('deductions.monthlySpecial');
    }
  });
});
