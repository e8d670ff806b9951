import { fileURLToPath } from 'node:url';

/** The project root (handler entries in the manifest are relative to it). */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
