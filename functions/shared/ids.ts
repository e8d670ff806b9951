import { ulid } from 'ulid';

/** Type prefixes of public and internal IDs. IDs sort by creation time (ULID). */
export type IdPrefix = 'key' | 'mer' | 'prd' | 'ord' | 'shp' | 'cre' | 'agy' | 'pay' | 'ref' | 'evt' | 'run' | 'aud' | 'req' | 'whs' | 'cen' | 'led' | 'sen';

export const newId = (prefix: IdPrefix): string => `${prefix}_${ulid()}`;

export const hasPrefix = (id: string, prefix: IdPrefix): boolean => id.startsWith(`${prefix}_`);
