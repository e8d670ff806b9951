/**
 * Files a function serves as they are (the OpenAPI document, Swagger UI, the finance console's
 * script and stylesheet) ship beside its bundle instead of inside it: a string literal in the
 * bundle is parsed, with its source map, on every cold start (Swagger UI made a 2 MB bundle
 * that imported in 12x a bare handler's time), a file is read when a request first asks for it.
 *
 * A function's files are a map from the name beside its bundle to the path in the project
 * (functions/platform/page-files.ts); the manifest gives it to the house construct, which copies
 * each file next to index.mjs. Run from source (tsx under `npm start`, jest), there is no
 * bundle directory: the file is read at its project path.
 */
export type ShippedFiles = Readonly<Record<string, string>>;

const fromSource = import.meta.url.endsWith('.ts');

const locate = (files: ShippedFiles, name: string): URL => {
  const projectPath = files[name];
  if (projectPath === undefined) throw new Error(`${name} is not a shipped file`);
  // This module is functions/shared/shipped-file.ts from source; in a bundle, index.mjs.
  return fromSource ? new URL(`../../${projectPath}`, import.meta.url) : new URL(`./${name}`, import.meta.url);
};

const cache = new Map<string, Promise<string>>();

/** The file's text, read once per runtime (node:fs only then: importing it costs a bare handler's millisecond). */
export const shippedFile = (files: ShippedFiles, name: string): Promise<string> => {
  const url = locate(files, name);
  let text = cache.get(url.href);
  if (!text) {
    text = import('node:fs/promises').then(({ readFile }) => readFile(url, 'utf8'));
    cache.set(url.href, text);
    // A failed read is not cached: the next request tries again.
    text.catch(() => cache.delete(url.href));
  }
  return text;
};
