/**
 * Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
 *
 * 18 characters from a 31-symbol alphabet (the digits and the upper-case letters
 * without I, O, Z, S, V): registration authority (1), organisation type (1),
 * administrative division code (6 digits, positions 3-8), organisation code (9)
 * and a check character (1) computed from the first 17 as a weighted sum mod 31.
 *
 * Only upper-case input is accepted; callers that want to be lenient may
 * `trim().toUpperCase()` first. Pure functions, no I/O.
 */

/** The code alphabet; a symbol's value is its index (0..30). */
export const usccCharset = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of positions 1..17 (3^(i-1) mod 31). */
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

const first17Pattern = /^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{9}$/;

/**
 * The check character (position 18) for the first 17 characters, or `undefined`
 * when `first17` is not 17 characters of the alphabet with digits in positions 3-8.
 */
export const usccCheckCharacter = (first17: string): string | undefined => {
  if (!first17Pattern.test(first17)) return undefined;
  let sum = 0;
  for (const [i, weight] of weights.entries()) {
    sum += usccCharset.indexOf(first17.charAt(i)) * weight;
  }
  const check = (31 - (sum % 31)) % 31;
  return usccCharset.charAt(check);
};

/** True when `code` is a well-formed 18-character USCC whose check character matches. */
export const isValidUscc = (code: string): boolean => {
  if (code.length !== 18) return false;
  const check = usccCheckCharacter(code.slice(0, 17));
  return check !== undefined && check === code.charAt(17);
};
