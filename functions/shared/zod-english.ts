/**
 * zod/mini loads no locale: without one, every message of a built-in check is a bare
 * "Invalid input". Importing this module gives the process zod's English messages, as zod
 * classic did (a message a schema sets itself still wins). Imported where zod messages leave
 * the function: answers to clients (validation.ts), a broken event contract (event-handler.ts)
 * and a stored item that does not parse (db/stored-item.ts), so logs read in English too.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

export const useEnglishMessages = (): void => {
  z.config(en());
};
useEnglishMessages();
