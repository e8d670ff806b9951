import { randomInt } from 'node:crypto';
import { usccCharset, usccCheckCharacter } from '../functions/platform/uscc.js';

/** A fresh, valid Unified Social Credit Code (one legal entity enrols once, so each demo run needs its own). */
export const randomUscc = (): string => {
  const pick = () => usccCharset.charAt(randomInt(usccCharset.length));
  const first17 = `91${String(randomInt(110000, 659999))}${Array.from({ length: 9 }, pick).join('')}`;
  return `${first17}${usccCheckCharacter(first17) ?? ''}`;
};
