import * as z from 'zod/mini';
import { languages } from '../shared/problem.js';
import { consoleAssets } from './console-page.js';
import { docsAssets } from './docs-page.js';
import { problemCodes } from './problem-pages.js';

/**
 * The parameters of the page routes, for the OpenAPI document only: their handlers are plain
 * routes (no zod in their bundles) and check the same names by hand, from the same data.
 */

/**
 * The `{asset}` path parameter of a page's files (the names as its enum). Any other name is a
 * 404 (not a 400): it is a file path, not a parameter a client composes.
 */
const assetPath = (files: Readonly<Record<string, unknown>>, description: string) =>
  z.object({ asset: z.string().check(z.maxLength(64), z.meta({ description, enum: Object.keys(files) })) });

export const docsAssetPath = assetPath(docsAssets, 'A file of the docs page.');
export const consoleAssetPath = assetPath(consoleAssets, 'A file of the console page.');

/** Any other code is a 404 (not a 400): it is a page address, not a parameter a client composes. */
export const problemPagePathSchema = z.object({
  code: z.string().check(z.meta({ description: 'A problem `code`.', enum: problemCodes, example: 'validation_failed' })),
});
export const problemPageQuery = z.object({
  lang: z.optional(z.enum(languages)).check(z.meta({ description: 'The page language; without it, `Accept-Language` decides (English by default).' })),
});
