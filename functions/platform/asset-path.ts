import * as z from 'zod/mini';

/**
 * The `{asset}` path parameter of a page's files (for the OpenAPI document, the names as its
 * enum). Any other name is a 404 (not a 400): it is a file path, not a parameter a client composes.
 */
export const assetPath = (files: Readonly<Record<string, unknown>>, description: string) =>
  z.object({ asset: z.string().check(z.maxLength(64), z.meta({ description, enum: Object.keys(files) })) });
