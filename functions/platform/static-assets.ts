/**
 * Serving a page's static files from this API (GET /docs/{asset}, GET /console/{asset}): a
 * strong ETag per file for revalidation (304), and gzip for clients that accept it, because the
 * API Gateway HTTP API does not compress. A plain route (shared/plain-route.ts): no middleware,
 * and node:crypto and node:zlib are imported when the first request needs them (together they
 * cost a bare handler's import time again).
 */
import { plainPublicRoute } from '../shared/plain-route.js';

/** A page's files by name: a guard for the `{asset}` path parameter (any other name is a 404). */
export const assetGuard =
  <N extends string>(files: Readonly<Record<N, unknown>>) =>
  (name: string): name is N =>
    Object.hasOwn(files, name);

/** `If-None-Match`: a list of (possibly weak) ETags, or `*`. */
export const matchesEtag = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => ['*', etag].includes(tag.trim().replace(/^W\//, '')));

export const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    return coding.trim() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });

interface Served {
  readonly text: string;
  readonly etag: string;
  /** Compressed once per runtime, on the first request that accepts gzip. */
  gzipped?: string;
}

const served = async (text: string): Promise<Served> => {
  const { createHash } = await import('node:crypto');
  return { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"` };
};

const gzipBase64 = async (file: Served): Promise<string> => {
  if (file.gzipped === undefined) file.gzipped = (await import('node:zlib')).gzipSync(file.text).toString('base64');
  return file.gzipped;
};

/**
 * The handler of a page's `{asset}` route: `types` names the files (and their content types),
 * `textOf` reads one (once per runtime; a failed read is tried again by the next request).
 */
export const assetRoute = <N extends string>(
  types: Readonly<Record<N, string>>,
  textOf: (name: N) => string | Promise<string>,
  cacheControl: string,
) => {
  const isAsset = assetGuard(types);
  const files = new Map<N, Promise<Served>>();
  const fileOf = (name: N): Promise<Served> => {
    let file = files.get(name);
    if (!file) {
      file = Promise.resolve(textOf(name)).then(served);
      files.set(name, file);
      file.catch(() => files.delete(name));
    }
    return file;
  };
  const route = plainPublicRoute(async (event) => {
    const name = event.pathParameters?.asset ?? '';
    if (!isAsset(name)) return { problem: 'not_found' };
    const file = await fileOf(name);
    const caching = { etag: file.etag, 'cache-control': cacheControl, vary: 'accept-encoding' };
    if (matchesEtag(event.headers['if-none-match'], file.etag)) return { status: 304, headers: caching };
    if (!acceptsGzip(event.headers['accept-encoding'])) {
      return { status: 200, text: file.text, headers: { ...caching, 'content-type': types[name], 'x-content-type-options': 'nosniff' } };
    }
    const headers = { ...caching, 'content-type': types[name], 'x-content-type-options': 'nosniff', 'content-encoding': 'gzip' };
    return { status: 200, text: await gzipBase64(file), base64: true, headers };
  });
  return route;
};
