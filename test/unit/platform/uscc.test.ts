import fc from 'fast-check';
import { isValidUscc, usccCharset, usccCheckCharacter } from '../../../functions/platform/uscc.js';

const charsetChar = fc.integer({ min: 0, max: 30 }).map((i) => usccCharset.charAt(i));
const digit = fc.integer({ min: 0, max: 9 }).map(String);
/** 17 characters: 2 from the alphabet, the 6-digit division code, 9 from the alphabet. */
const first17 = fc
  .tuple(fc.array(charsetChar, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(charsetChar, { minLength: 9, maxLength: 9 }))
  .map(([head, division, rest]) => [...head, ...division, ...rest].join(''));
const validCode = first17.map((body) => `${body}${usccCheckCharacter(body) ?? '?'}`);

describe('usccCheckCharacter', () => {
  it.each([
    // Weighted sum, weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28.
    // 9 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 1:
    //   9*1 + 1*3 + 1*9 + 1*27 + 1*28 = 9 + 3 + 9 + 27 + 28 = 76; 76 mod 31 = 14; 31 - 14 = 17 -> 'H'
    ['91110000000000001', 'H'],
    // all zeros: sum 0, 31 - 0 = 31 -> 0 -> '0'
    ['00000000000000000', '0'],
    // 1 then zeros: sum 1, 31 - 1 = 30 -> 'Y'
    ['10000000000000000', 'Y'],
    // Y (30) at position 17: 30*28 = 840; 840 mod 31 = 3 (31*27 = 837); 31 - 3 = 28 -> 'W'
    ['0000000000000000Y', 'W'],
    // A (10) at position 9: 10*20 = 200; 200 mod 31 = 14 (186); 31 - 14 = 17 -> 'H'
    ['00000000A00000000', 'H'],
  ])('%s -> %s', (body, check) => {
    expect(usccCheckCharacter(body)).toBe(check);
    expect(isValidUscc(`${body}${check}`)).toBe(true);
  });

  it.each([
    ['too short', '9111000000000000'],
    ['too long', '911100000000000001'],
    ['letter in the division code', '91A10000000000001'],
    ['I', '9111000000000000I'],
    ['O', 'O1110000000000001'],
    ['lower case', '91110000ma0000001'],
  ])('is undefined for malformed input (%s)', (_label, body) => {
    expect(usccCheckCharacter(body)).toBeUndefined();
  });
});

describe('isValidUscc', () => {
  // Codes of registered companies as published in public records, each checked
  // against the algorithm (a code that did not verify was left out).
  it.each(['91440300708461136T', '914403001922038216', '91330100716105852F', '91110108551385082Q', '91350100M000100Y43'])(
    'accepts the published code %s',
    (code) => {
      expect(isValidUscc(code)).toBe(true);
    },
  );

  it('accepts constructed codes', () => {
    expect(isValidUscc('91110000000000001H')).toBe(true);
    expect(isValidUscc('00000000A00000000H')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['17 characters', '91110000000000001'],
    ['19 characters', '91110000000000001H0'],
    ['surrounding space', ' 91110000000000001H'],
    ['wrong check character', '91110000000000001G'],
    ['check character off by one position', '914403001922038217'],
    ['I as check character', '91110000000000001I'],
    ['letter in positions 3-8', '91B10000000000001H'],
  ])('rejects %s', (_label, code) => {
    expect(isValidUscc(code)).toBe(false);
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('rejects the excluded letter %s anywhere it could appear', (letter) => {
    // Tencent's code with one character replaced by the excluded letter, at a body
    // position and at the check position.
    expect(isValidUscc(`91440300${letter}08461136T`)).toBe(false);
    expect(isValidUscc(`91440300708461136${letter}`)).toBe(false);
    expect(isValidUscc(`${letter}1440300708461136T`)).toBe(false);
  });

  it('is upper-case only (callers may upper-case first)', () => {
    expect(isValidUscc('91440300708461136t')).toBe(false);
    expect(isValidUscc('91350100m000100y43')).toBe(false);
    expect(isValidUscc('91350100m000100y43'.toUpperCase())).toBe(true);
  });

  it('accepts every code whose check character was computed (property)', () => {
    fc.assert(
      fc.property(first17, (body) => {
        const check = usccCheckCharacter(body);
        expect(check).toBeDefined();
        expect(usccCharset).toContain(check);
        expect(isValidUscc(`${body}${check}`)).toBe(true);
      }),
    );
  });

  it('detects any single-character substitution (property)', () => {
    // 31 is prime and every weight is non-zero mod 31, so changing one symbol always changes the sum mod 31.
    fc.assert(
      fc.property(validCode, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (code, position, shift) => {
        const original = usccCharset.indexOf(code.charAt(position));
        const replacement = usccCharset.charAt((original + shift) % 31);
        const mutated = `${code.slice(0, position)}${replacement}${code.slice(position + 1)}`;
        expect(mutated).not.toBe(code);
        expect(isValidUscc(mutated)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('detects a lower-cased or excluded letter substituted anywhere (property)', () => {
    fc.assert(
      fc.property(validCode, fc.integer({ min: 0, max: 17 }), fc.constantFrom('I', 'O', 'Z', 'S', 'V', 'a', 'y', ' ', '-'), (code, position, bad) => {
        expect(isValidUscc(`${code.slice(0, position)}${bad}${code.slice(position + 1)}`)).toBe(false);
      }),
    );
  });
});
