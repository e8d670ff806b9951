import * as z from 'zod/mini';

/** A logistics partner's code (API.md): 2-16 characters `[A-Z0-9_]`. Import-free of secrets, for public routes. */
export const partnerCode = z.string().check(z.regex(/^[A-Z0-9_]{2,16}$/, 'code: 2-16 characters A-Z, 0-9, _'));
export const partnerPath = z.object({ code: partnerCode });
