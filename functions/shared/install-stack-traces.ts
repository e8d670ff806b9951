/**
 * Injected ahead of everything else into each bundle that ships a source map (lib/bundling.ts,
 * decision 0051), so that an error thrown while the bundle loads is mapped too. In a bundle
 * this module's URL is the bundle's own (index.mjs, its map beside it).
 */
import { installSourceMappedStacks } from './stack-traces.js';

installSourceMappedStacks(import.meta.url);
