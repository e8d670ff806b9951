import fc from 'fast-check';
import type { PayoutLine, PayoutRunView } from '../../../functions/payouts/payout-line.js';
import type { Money } from '../../../functions/shared/money.js';
import { csvHeader, reportCsv, reportJson } from '../../../functions/payouts/report.js';

const line = (overrides: Partial<PayoutLine> & Pick<PayoutLine, 'creatorId'>): PayoutLine => ({
  displayName: 'Creator',
  agencyId: null,
  agencyName: null,
  contractType: 'personal',
  taxResidency: 'resident',
  incomeCategory: 'labor_remuneration',
  grossFen: 0,
  agencyFeeFen: 0,
  taxableIncomeFen: 0,
  taxWithheldFen: 0,
  netFen: 0,
  ...overrides,
});

const cny = (amount: number): Money => ({ amount, currency: 'CNY' });

// Given out of order on purpose: both formats sort by creatorId.
const lines: readonly PayoutLine[] = [
  line({
    creatorId: 'cre_03',
    displayName: '张伟',
    agencyId: 'agy_B',
    agencyName: '星光传媒',
    contractType: 'agency',
    taxResidency: 'resident',
    incomeCategory: 'wages',
    grossFen: 3_000_000,
    agencyFeeFen: 450_000,
    taxableIncomeFen: 2_550_000,
    taxWithheldFen: 55_500,
    netFen: 2_494_500,
  }),
  line({
    creatorId: 'cre_01',
    displayName: 'Smith, "Jo"',
    agencyId: 'agy_A',
    agencyName: 'Alpha Talent',
    contractType: 'agency',
    taxResidency: 'non_resident',
    incomeCategory: 'wages',
    grossFen: 123_450,
    agencyFeeFen: 12_345,
    taxableIncomeFen: 111_105,
    taxWithheldFen: 0,
    netFen: 111_105,
  }),
  line({
    creatorId: 'cre_02',
    displayName: '=HYPERLINK("http://evil.example","x")',
    grossFen: 200_000,
    taxableIncomeFen: 120_000,
    taxWithheldFen: 24_000,
    netFen: 176_000,
  }),
  line({
    creatorId: 'cre_05',
    displayName: 'Li Na',
    agencyId: 'agy_A',
    agencyName: 'Alpha Talent',
    contractType: 'agency',
    taxResidency: 'resident',
    incomeCategory: 'wages',
    grossFen: 1_000_000,
    agencyFeeFen: 100_000,
    taxableIncomeFen: 900_000,
    taxWithheldFen: 12_000,
    netFen: 888_000,
  }),
  line({
    creatorId: 'cre_04',
    displayName: 'Bo\r\nWang',
    taxResidency: 'non_resident',
    grossFen: 2_000_000,
    taxableIncomeFen: 1_600_000,
    taxWithheldFen: 179_000,
    netFen: 1_821_000,
  }),
];

const run: PayoutRunView = {
  id: 'prun_2026_10',
  period: '2026-10',
  status: 'completed',
  totals: { gross: cny(6_323_450), agencyFees: cny(562_345), taxWithheld: cny(270_500), net: cny(5_490_605) },
  lineCount: 5,
  createdAt: '2026-11-01T00:00:00.000Z',
  completedAt: '2026-11-01T00:00:05.000Z',
};

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('reportCsv', () => {
  it('is the BOM, the header and one CRLF-terminated RFC 4180 row per line, byte for byte', () => {
    const expected = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]), // UTF-8 byte order mark
      utf8(
        'creator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny\r\n',
      ),
      // comma and quotes: quoted, quotes doubled
      utf8('cre_01,"Smith, ""Jo""",agy_A,agency,non_resident,wages,1234.50,123.45,1111.05,0.00,1111.05\r\n'),
      // formula-looking name: a leading apostrophe inside the (quoted) field; null agency: empty
      utf8(`cre_02,"'=HYPERLINK(""http://evil.example"",""x"")",,personal,resident,labor_remuneration,2000.00,0.00,1200.00,240.00,1760.00\r\n`),
      // Chinese name passes through as UTF-8: 张 = e5 bc a0, 伟 = e4 bc 9f
      utf8('cre_03,'),
      Buffer.from([0xe5, 0xbc, 0xa0, 0xe4, 0xbc, 0x9f]),
      utf8(',agy_B,agency,resident,wages,30000.00,4500.00,25500.00,555.00,24945.00\r\n'),
      // CR LF inside a name: quoted, kept as is
      utf8('cre_04,"Bo\r\nWang",,personal,non_resident,labor_remuneration,20000.00,0.00,16000.00,1790.00,18210.00\r\n'),
      utf8('cre_05,Li Na,agy_A,agency,resident,wages,10000.00,1000.00,9000.00,120.00,8880.00\r\n'),
    ]);

    const actual = utf8(reportCsv(lines));

    expect(actual.toString('hex')).toBe(expected.toString('hex'));
  });

  it('is the BOM and the header alone for no lines', () => {
    expect(reportCsv([])).toBe(`\uFEFF${csvHeader}\r\n`);
    expect(csvHeader).toBe(
      'creator_id,display_name,agency_id,contract_type,tax_residency,income_category,gross_cny,agency_fee_cny,taxable_income_cny,tax_withheld_cny,net_cny',
    );
  });

  it('formats amounts as yuan with exactly two decimals, small and large', () => {
    const csv = reportCsv([
      line({
        creatorId: 'cre_x',
        grossFen: 0,
        agencyFeeFen: 5,
        taxableIncomeFen: 123_450,
        taxWithheldFen: 123_456_789_012,
        netFen: Number.MAX_SAFE_INTEGER,
      }),
    ]);
    expect(csv.split('\r\n')[1]).toBe('cre_x,Creator,,personal,resident,labor_remuneration,0.00,0.05,1234.50,1234567890.12,90071992547409.91');
  });

  it.each([
    ['=1+2', "'=1+2"],
    ['+86 138 0000 0000', "'+86 138 0000 0000"],
    ['-fan-', "'-fan-"],
    ['@everyone', "'@everyone"],
    ['\tTabbed', "'\tTabbed"],
    ['Mid=dle+ -@', 'Mid=dle+ -@'],
    ["'quoted already", "'quoted already"],
    ['', ''],
  ])('guards the name %j against formula injection only when it starts like a formula', (name, field) => {
    const row = reportCsv([line({ creatorId: 'cre_f', displayName: name })]).split('\r\n')[1];
    expect(row).toBe(`cre_f,${field},,personal,resident,labor_remuneration,0.00,0.00,0.00,0.00,0.00`);
  });

  it('round-trips any display name through an RFC 4180 reader', () => {
    /** A strict RFC 4180 reader: records end in CRLF; quoted fields may hold anything. */
    const readCsv = (text: string): string[][] => {
      const records: string[][] = [];
      let fields: string[] = [];
      let i = 0;
      while (i < text.length) {
        let field = '';
        if (text[i] === '"') {
          i += 1;
          for (;;) {
            const close = text.indexOf('"', i);
            if (close < 0) throw new Error('unterminated quote');
            field += text.slice(i, close);
            if (text[close + 1] === '"') {
              field += '"';
              i = close + 2;
            } else {
              i = close + 1;
              break;
            }
          }
        } else {
          const end = text.slice(i).search(/[,\r]/);
          const stop = end < 0 ? text.length : i + end;
          field = text.slice(i, stop);
          if (field.includes('"') || field.includes('\n')) throw new Error(`bare quote or LF in ${JSON.stringify(field)}`);
          i = stop;
        }
        fields.push(field);
        if (text[i] === ',') i += 1;
        else if (text.startsWith('\r\n', i)) {
          records.push(fields);
          fields = [];
          i += 2;
        } else throw new Error(`expected , or CRLF at ${i}`);
      }
      if (fields.length > 0) throw new Error('last record without CRLF');
      return records;
    };

    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\r', '\n', '=', '+', '-', '@', '\t', "'", '张') }), (nameA, nameB) => {
        const records = readCsv(
          reportCsv([line({ creatorId: 'cre_a', displayName: nameA }), line({ creatorId: 'cre_b', displayName: nameB, agencyId: 'agy_1' })]).slice(1),
        );
        const expectName = (name: string) => (/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);
        expect(records).toHaveLength(3);
        expect(records.map((fields) => fields.length)).toEqual([11, 11, 11]);
        expect(records[1]?.[1]).toBe(expectName(nameA));
        expect(records[2]?.[1]).toBe(expectName(nameB));
        expect(records[2]?.[2]).toBe('agy_1');
      }),
    );
  });
});

describe('reportJson', () => {
  it('has the run, the lines by creatorId as Money and the agencies by agencyId', () => {
    const report = reportJson(run, lines);

    expect(report).toEqual({
      run,
      lines: [
        {
          creatorId: 'cre_01',
          displayName: 'Smith, "Jo"',
          agencyId: 'agy_A',
          contractType: 'agency',
          taxResidency: 'non_resident',
          incomeCategory: 'wages',
          gross: cny(123_450),
          agencyFee: cny(12_345),
          taxableIncome: cny(111_105),
          taxWithheld: cny(0),
          net: cny(111_105),
        },
        {
          creatorId: 'cre_02',
          displayName: '=HYPERLINK("http://evil.example","x")', // JSON is data: no spreadsheet guard
          agencyId: null,
          contractType: 'personal',
          taxResidency: 'resident',
          incomeCategory: 'labor_remuneration',
          gross: cny(200_000),
          agencyFee: cny(0),
          taxableIncome: cny(120_000),
          taxWithheld: cny(24_000),
          net: cny(176_000),
        },
        {
          creatorId: 'cre_03',
          displayName: '张伟',
          agencyId: 'agy_B',
          contractType: 'agency',
          taxResidency: 'resident',
          incomeCategory: 'wages',
          gross: cny(3_000_000),
          agencyFee: cny(450_000),
          taxableIncome: cny(2_550_000),
          taxWithheld: cny(55_500),
          net: cny(2_494_500),
        },
        {
          creatorId: 'cre_04',
          displayName: 'Bo\r\nWang',
          agencyId: null,
          contractType: 'personal',
          taxResidency: 'non_resident',
          incomeCategory: 'labor_remuneration',
          gross: cny(2_000_000),
          agencyFee: cny(0),
          taxableIncome: cny(1_600_000),
          taxWithheld: cny(179_000),
          net: cny(1_821_000),
        },
        {
          creatorId: 'cre_05',
          displayName: 'Li Na',
          agencyId: 'agy_A',
          contractType: 'agency',
          taxResidency: 'resident',
          incomeCategory: 'wages',
          gross: cny(1_000_000),
          agencyFee: cny(100_000),
          taxableIncome: cny(900_000),
          taxWithheld: cny(12_000),
          net: cny(888_000),
        },
      ],
      agencies: [
        {
          agencyId: 'agy_A',
          agencyName: 'Alpha Talent',
          creators: 2,
          gross: cny(1_123_450),
          agencyFees: cny(112_345),
          taxWithheld: cny(12_000),
          net: cny(999_105),
          transfer: cny(1_123_450),
          taxToRemit: cny(12_000),
        },
        {
          agencyId: 'agy_B',
          agencyName: '星光传媒',
          creators: 1,
          gross: cny(3_000_000),
          agencyFees: cny(450_000),
          taxWithheld: cny(55_500),
          net: cny(2_494_500),
          transfer: cny(3_000_000),
          taxToRemit: cny(55_500),
        },
      ],
    });
  });

  it('settles each agency at gross = fees + tax + net, and with personal creators adds up to the run', () => {
    const { agencies, lines: reported } = reportJson(run, lines);
    for (const agency of agencies) {
      expect(agency.transfer.amount).toBe(agency.agencyFees.amount + agency.taxToRemit.amount + agency.net.amount);
    }
    const personalGross = reported.filter((entry) => entry.agencyId === null).reduce((sum, entry) => sum + entry.gross.amount, 0);
    const agencyGross = agencies.reduce((sum, agency) => sum + agency.transfer.amount, 0);
    expect(agencyGross + personalGross).toBe(run.totals.gross.amount);
    const allTax = reported.reduce((sum, entry) => sum + entry.taxWithheld.amount, 0);
    expect(allTax).toBe(run.totals.taxWithheld.amount);
  });

  it('does not reorder its input and gives the same report whatever the input order', () => {
    const before = lines.map((entry) => entry.creatorId);
    const forward = reportJson(run, lines);
    const backward = reportJson(run, [...lines].reverse());
    expect(lines.map((entry) => entry.creatorId)).toEqual(before);
    expect(backward).toEqual(forward);
    expect(reportCsv([...lines].reverse())).toBe(reportCsv(lines));
  });

  it('takes the agency name from any of its lines and has no agencies without agency lines', () => {
    const named = reportJson(run, [
      line({ creatorId: 'cre_1', agencyId: 'agy_Z', agencyName: null, grossFen: 100 }),
      line({ creatorId: 'cre_2', agencyId: 'agy_Z', agencyName: 'Zeta', grossFen: 250 }),
    ]);
    expect(named.agencies).toEqual([
      expect.objectContaining({ agencyId: 'agy_Z', agencyName: 'Zeta', creators: 2, transfer: cny(350), gross: cny(350) }),
    ]);
    expect(reportJson(run, [line({ creatorId: 'cre_1', grossFen: 100 })]).agencies).toEqual([]);
    expect(reportJson(run, [])).toEqual({ run, lines: [], agencies: [] });
  });

  it('refuses totals past the safe integer range instead of losing fen', () => {
    const huge = (creatorId: string) => line({ creatorId, agencyId: 'agy_A', grossFen: Number.MAX_SAFE_INTEGER });
    expect(() => reportJson(run, [huge('cre_1'), huge('cre_2')])).toThrow(RangeError);
  });
});
