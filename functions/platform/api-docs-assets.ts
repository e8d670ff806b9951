import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { docsAssetPath, docsAssets, docsInitScript, isDocsAsset, type DocsAsset } from './docs-page.js';
import { rendererFile } from './docs-renderer.js';

interface Asset {
  readonly text: string;
  readonly etag: string;
}

const assets = new Map<DocsAsset, Asset>();

const assetOf = async (name: DocsAsset): Promise<Asset> => {
  const known = assets.get(name);
  if (known) return known;
  const text = name === 'init.js' ? docsInitScript : await rendererFile(name);
  const asset = { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"` };
  assets.set(name, asset);
  return asset;
};

/** `If-None-Match`: a list of (possibly weak) ETags, or `*`. */
const matches = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => ['*', etag].includes(tag.trim().replace(/^W\//, '')));

const serve = httpHandler({ access: publicRoute, path: docsAssetPath }, async (request) => {
  const name = request.path.asset;
  if (!isDocsAsset(name)) throw new ProblemError('not_found');
  const { text, etag } = await assetOf(name);
  const caching = { etag, 'cache-control': 'public, max-age=3600', vary: 'accept-encoding' };
  if (matches(request.headers['if-none-match'], etag)) return { status: 304, headers: caching };
  return {
    status: 200,
    body: text,
    headers: { ...caching, 'content-type': docsAssets[name], 'x-content-type-options': 'nosniff' },
  };
});

const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    return coding.trim() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });

/** Compressed bodies by ETag: each file is gzipped once per runtime. */
const gzipped = new Map<string, string>();

/**
 * The API Gateway HTTP API does not compress, and swagger-ui.js is 1.7 MB: gzip (about
 * a quarter of that) for clients that accept it, as a base64 body.
 */
const compress = (event: APIGatewayProxyEventV2, response: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => {
  const etag = response.headers?.etag;
  if (response.statusCode !== 200 || typeof response.body !== 'string' || typeof etag !== 'string') return response;
  if (!acceptsGzip(event.headers['accept-encoding'])) return response;
  let body = gzipped.get(etag);
  if (body === undefined) {
    body = gzipSync(response.body).toString('base64');
    gzipped.set(etag, body);
  }
  return { ...response, body, isBase64Encoded: true, headers: { ...response.headers, 'content-encoding': 'gzip' } };
};

/** GET /docs/{asset}: Swagger UI's script and stylesheet (from the npm package, bundled) and our init script. */
export const handler = Object.assign(
  async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => compress(event, await serve(event, context)),
  { access: serve.access },
);
