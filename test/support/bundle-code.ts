/**
 * Static ESM imports of node:http in a bundle's code (decision 0050): Node builds a built-in's
 * ESM namespace from every export, and node:http's WebSocket getters load undici. Bundles read
 * it as CommonJS through lib/bundling.ts's alias, so a bundle should have none.
 */
export const staticHttpImports = (code: string): string[] => [...code.matchAll(/\b(?:from|import)\s*"(?:node:)?http"/g)].map((m) => m[0]);
