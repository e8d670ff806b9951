/**
 * Serving a page's static files (text bundled into the Lambda) from this API: a strong
 * ETag per file for revalidation (304), and gzip for clients that accept it, because the
 * API Gateway HTTP API does not compress.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A page's files by name: a guard for the `{asset}` path parameter (any other name is a 404). */
export const assetGuard =
  <N extends string>(files: Readonly<Record<N, unknown>>) =>
  (name: string): name is N =>
    Object.hasOwn(files, name);

export const etagOf = (text: string): string => `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;

/** `If-None-Match`: a list of (possibly weak) ETags, or `*`. */
export const matchesEtag = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => ['*', etag].includes(tag.trim().replace(/^W\//, '')));

export const acceptsGzip = (header: string | undefined): boolean =>
  (header ?? '').split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    return coding.trim() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });

/** Compressed bodies by ETag: each file is gzipped once per runtime. */
const gzipped = new Map<string, string>();

/** A 200 with an ETag, gzipped (as a base64 body) for a client that accepts gzip. */
export const compressAsset = (event: APIGatewayProxyEventV2, response: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => {
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
