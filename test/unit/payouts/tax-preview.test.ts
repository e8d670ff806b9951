import { runTaxPreview } from '../../../functions/payouts/tax-preview.js';

const run = (input: unknown) => runTaxPreview(typeof input === 'string' ? input : JSON.stringify(input));

const expectFailure = (input: unknown, message: string) => {
  const outcome = run(input);
  expect(outcome.exitCode).toBe(2);
  expect(outcome.stdout).toBe('');
  expect(outcome.stderr).toContain(message);
  expect(outcome.stderr.endsWith('\n')).toBe(true);
};

describe('tax-preview', () => {
  it('reproduces the worked examples (DOMAIN.md) exactly', () => {
    const wagesMonth = { income: '30000.00', specialDeductions: '4500', specialAdditionalDeductions: '2000.00' };
    const outcome = run({
      cases: [
        { id: 'wages', method: 'resident_wages', months: [wagesMonth, wagesMonth, wagesMonth] },
        {
          id: 'low-income',
          method: 'resident_wages',
          lowIncomeRule: true,
          months: Array.from({ length: 12 }, () => ({ income: '6000' })),
        },
        ...['800', '2000', '4000', '6000', '40000', '60000'].map((payment) => ({
          id: `labor-${payment}`,
          method: 'resident_labor',
          payments: [payment],
        })),
        { id: 'labor-twice', method: 'resident_labor', payments: ['20000', '20000.00'] },
        { id: 'nr-labor', method: 'non_resident_labor', payment: '20000' },
        { id: 'nr-wages', method: 'non_resident_wages', income: '8000.00' },
      ],
    });
    expect(outcome.stderr).toBe('');
    expect(outcome.exitCode).toBe(0);
    const expected = {
      results: [
        { id: 'wages', withheld: ['555.00', '625.00', '1850.00'] },
        { id: 'low-income', withheld: [...Array.from({ length: 10 }, () => '0.00'), '180.00', '180.00'] },
        { id: 'labor-800', withheld: ['0.00'] },
        { id: 'labor-2000', withheld: ['240.00'] },
        { id: 'labor-4000', withheld: ['640.00'] },
        { id: 'labor-6000', withheld: ['960.00'] },
        { id: 'labor-40000', withheld: ['7600.00'] },
        { id: 'labor-60000', withheld: ['12400.00'] },
        { id: 'labor-twice', withheld: ['3200.00', '4400.00'] },
        { id: 'nr-labor', withheld: '1790.00' },
        { id: 'nr-wages', withheld: '90.00' },
      ],
    };
    expect(outcome.stdout).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('prints exactly this layout', () => {
    const outcome = run({ cases: [{ id: 'a', method: 'non_resident_wages', income: '8000' }] });
    expect(outcome.stdout).toBe('{\n  "results": [\n    {\n      "id": "a",\n      "withheld": "90.00"\n    }\n  ]\n}\n');
  });

  it('starts the months at startMonth and counts months employed from there', () => {
    const outcome = run({
      cases: [{ id: 'april', method: 'resident_wages', startMonth: 4, months: [{ income: '10000' }, { income: '10000' }] }],
    });
    expect(outcome.exitCode).toBe(0);
    // Apr: (10,000 - 5,000) x 3% = 150; May: (20,000 - 10,000) x 3% - 150 = 150
    expect(JSON.parse(outcome.stdout)).toEqual({ results: [{ id: 'april', withheld: ['150.00', '150.00'] }] });
  });

  it('keeps input order and takes an empty list of cases', () => {
    const outcome = run({
      cases: [
        { id: 'z', method: 'non_resident_labor', payment: '0' },
        { id: 'a', method: 'non_resident_wages', income: '0.01' },
      ],
    });
    expect(JSON.parse(outcome.stdout)).toEqual({
      results: [
        { id: 'z', withheld: '0.00' },
        { id: 'a', withheld: '0.00' },
      ],
    });
    expect(run({ cases: [] }).stdout).toBe('{\n  "results": []\n}\n');
  });

  describe('refuses invalid input with exit 2, a message on stderr and nothing on stdout', () => {
    it('a negative amount', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'resident_labor', payments: ['100', '-5.00'] }] },
        'cases[0].payments[1]: "-5.00" is negative',
      );
    });

    it('an amount past what a number holds exactly (2^53 fen)', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'resident_labor', payments: ['99999999999999'] }] },
        'cases[0].payments[0]: "99999999999999" is too large',
      );
    });

    it('three decimals', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'resident_wages', months: [{ income: '1' }, { income: '12.345' }] }] },
        'cases[0].months[1].income: "12.345" has more than two decimals',
      );
    });

    it('an amount that is not a decimal string', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'non_resident_wages', income: 8000 }] },
        'cases[0].income: must be a decimal string such as "1234.50", not the number 8000',
      );
      expectFailure(
        { cases: [{ id: 'a', method: 'non_resident_labor', payment: '1e5' }] },
        'cases[0].payment: "1e5" is not a decimal amount',
      );
      expectFailure({ cases: [{ id: 'a', method: 'non_resident_labor' }] }, 'cases[0].payment: is required');
    });

    it('an unknown method', () => {
      expectFailure(
        { cases: [{ id: 'ok', method: 'non_resident_wages', income: '1' }, { id: 'b', method: 'dividends' }] },
        'cases[1].method: "dividends" is not a known method',
      );
      expectFailure({ cases: [{ id: 'b' }] }, 'cases[0].method: is required');
    });

    it('startMonth 13', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'resident_wages', startMonth: 13, months: [{ income: '1' }] }] },
        'cases[0].startMonth: 13 is not a month number 1..12',
      );
    });

    it('months running past December', () => {
      expectFailure(
        {
          cases: [
            { id: 'a', method: 'resident_wages', startMonth: 11, months: [{ income: '1' }, { income: '1' }, { income: '1' }] },
          ],
        },
        'cases[0].months: 3 months from month 11 run past December',
      );
    });

    it('unknown fields, a misspelt deduction included', () => {
      expectFailure(
        { cases: [{ id: 'a', method: 'resident_wages', months: [{ income: '1', specialDeduction: '5' }] }] },
        'cases[0].months[0]: unknown field "specialDeduction"',
      );
    });

    it('a repeated id', () => {
      expectFailure(
        {
          cases: [
            { id: 'a', method: 'non_resident_wages', income: '1' },
            { id: 'a', method: 'non_resident_labor', payment: '1' },
          ],
        },
        'cases[1].id: "a" repeats the id of cases[0]',
      );
    });

    it('not JSON', () => {
      expectFailure('{"cases": [', 'input is not valid JSON');
    });

    it('missing cases', () => {
      expectFailure({}, 'cases: is required');
      expectFailure([], 'input: must be an object');
    });
  });
});
