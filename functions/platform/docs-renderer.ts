/**
 * The renderer's files from the swagger-ui-dist package, as text.
 *
 * In the Lambda bundle, esbuild inlines each file as a string: the import attribute
 * `with { type: 'text' }` selects esbuild's text loader for that one import. No
 * `bundling.loader` option is needed (and `.js` could not be mapped to the text loader
 * globally without breaking every other import), and nothing is fetched at build time:
 * the file comes from node_modules like any other dependency.
 *
 * Run from source (tsx under `npm start`, jest), there is no bundler: Node has no text
 * imports (ERR_IMPORT_ATTRIBUTE_UNSUPPORTED), and jest would load the file as a module.
 * So from a `.ts` module URL, the same files are read from node_modules instead; and if
 * compiled code without a bundler meets the Node error, it falls back the same way.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';

export type RendererFile = 'swagger-ui.js' | 'swagger-ui.css';

const specifiers: Record<RendererFile, string> = {
  'swagger-ui.js': 'swagger-ui-dist/swagger-ui-bundle.js',
  'swagger-ui.css': 'swagger-ui-dist/swagger-ui.css',
};

/** Literal specifiers, so esbuild sees (and inlines) each file. */
const bundled: Record<RendererFile, () => Promise<{ default: string }>> = {
  'swagger-ui.js': () => import('swagger-ui-dist/swagger-ui-bundle.js', { with: { type: 'text' } }),
  'swagger-ui.css': () => import('swagger-ui-dist/swagger-ui.css', { with: { type: 'text' } }),
};

const fromSource = import.meta.url.endsWith('.ts');

const fromNodeModules = (file: RendererFile): string =>
  readFileSync(nodeModule.createRequire(import.meta.url).resolve(specifiers[file]), 'utf8');

const isUnsupportedTextImport = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && error.code === 'ERR_IMPORT_ATTRIBUTE_UNSUPPORTED';

const cache = new Map<RendererFile, Promise<string>>();

const load = async (file: RendererFile): Promise<string> => {
  if (fromSource) return fromNodeModules(file);
  try {
    return (await bundled[file]()).default;
  } catch (error) {
    if (isUnsupportedTextImport(error)) return fromNodeModules(file);
    throw error;
  }
};

/** The file's text, loaded once per runtime. */
export const rendererFile = (file: RendererFile): Promise<string> => {
  let text = cache.get(file);
  if (!text) {
    text = load(file);
    cache.set(file, text);
    // A failed load is not cached: the next request tries again.
    text.catch(() => cache.delete(file));
  }
  return text;
};
