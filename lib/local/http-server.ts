/**
 * The local HTTP API: turns each request into the API Gateway HTTP API (v2) event the
 * manifest route's function receives on AWS, and its structured result back into HTTP.
 * Routes come from the manifest, so what is served here is what CDK deploys.
 */
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { defaultRoutePath, routeKey, type Manifest, type RouteSpec } from '../manifest.js';
import type { Invoke } from './invoke.js';

/** API Gateway's own limit; the handlers enforce the API's 256 KB limit themselves. */
const gatewayBodyLimit = 10 * 1024 * 1024;

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly pattern: RegExp;
  readonly params: readonly string[];
  readonly staticSegments: number;
}

export interface MatchedRoute {
  readonly route: RouteSpec;
  readonly pathParameters: Record<string, string>;
}

/**
 * A path parameter as API Gateway hands it over: percent-decoded, or as sent when it is not a
 * valid escape sequence (`%ff`, `%zz`), for the handler's validation to refuse; never a crash.
 */
export const decodePathSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const compile = (route: RouteSpec): CompiledRoute => {
  const params: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
      params.push(param[1] ?? '');
      return param[2] ? '/(.+)' : '/([^/]+)';
    })
    .join('');
  return { route, pattern: new RegExp(`^${source || '/'}$`), params, staticSegments: segments.filter((s) => !s.startsWith('{')).length };
};

/**
 * Matches like API Gateway: the most specific route (most literal segments) wins, a
 * method that no route of the path serves falls through to `$default` (if any).
 */
export const createRouter = (manifest: Manifest) => {
  const fallback = manifest.routes.find((r) => r.path === defaultRoutePath);
  const compiled = manifest.routes
    .filter((r) => r.path !== defaultRoutePath)
    .map(compile)
    .sort((a, b) => b.staticSegments - a.staticSegments);
  return (method: string, path: string): MatchedRoute | undefined => {
    for (const c of compiled) {
      const m = c.pattern.exec(path);
      if (!m || (c.route.method !== method && c.route.method !== 'ANY')) continue;
      const pathParameters: Record<string, string> = {};
      c.params.forEach((name, i) => (pathParameters[name] = decodePathSegment(m[i + 1] ?? '')));
      return { route: c.route, pathParameters };
    }
    return fallback ? { route: fallback, pathParameters: {} } : undefined;
  };
};

const textual = /^(application\/(json|problem\+json|x-www-form-urlencoded|[\w.+-]*\+json)|text\/)/i;

export const toApiGatewayEvent = (
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  match: MatchedRoute,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const now = new Date();
  const requestId = randomUUID();
  const key = routeKey(match.route);
  // Bytes that are not UTF-8 travel base64-encoded, as binary does: decoding them here would turn them into U+FFFD.
  const isText = body.length === 0 || (textual.test(headers['content-type'] ?? 'application/json') && isUtf8(body));
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
};

const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > gatewayBodyLimit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const sendProblem = (res: ServerResponse, status: number, code: string, title: string, detail: string) => {
  // The IDs API Gateway and the handlers put on every answer, also on those the runtime gives itself.
  const requestId = randomUUID();
  res.writeHead(status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'content-language': 'en',
    'apigw-requestid': requestId,
    'x-request-id': requestId,
    'x-correlation-id': requestId,
  });
  res.end(JSON.stringify({ type: `/problems/${code}`, title, status, code, detail }));
};

/** Extra, local-only routes (dead letters, schedules); they return true when they answered. */
export type LocalRoutes = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;

export const createHttpServer = (manifest: Manifest, invoke: Invoke, localRoutes: LocalRoutes): Server => {
  const route = createRouter(manifest);
  const server = createServer((req, res) => {
    void (async () => {
      try {
        // The request target is a path (never resolved against a base: `//x/y` is the path `//x/y`, not host `x`).
        const target = req.url ?? '/';
        const url = new URL(`http://localhost${target.startsWith('/') ? '' : '/'}${target}`);
        const body = await readBody(req);
        if (!body) return sendProblem(res, 413, 'payload_too_large', 'Payload too large', 'The request body is too large.');
        if (await localRoutes(req, res, url, body)) return;
        const match = route(req.method ?? 'GET', url.pathname);
        if (!match) return sendProblem(res, 404, 'not_found', 'Not found', `No route for ${req.method} ${url.pathname}.`);
        const event = toApiGatewayEvent(req, url, body, match);
        const result = (await invoke(match.route.function, event)) as APIGatewayProxyStructuredResultV2;
        const headers: Record<string, string | string[]> = { 'apigw-requestid': event.requestContext.requestId };
        for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
        if (result.cookies?.length) headers['set-cookie'] = result.cookies;
        res.writeHead(result.statusCode ?? 200, headers);
        res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
      } catch (error) {
        console.error('[http] handler crashed:', error);
        if (!res.headersSent) sendProblem(res, 500, 'internal_error', 'Internal error', 'Something went wrong on our side.');
        else res.end();
      }
    })();
  });
  // Idle keep-alive sockets stay open longer than clients keep them (ALB and API Gateway use 60 s and
  // more): a server closing a socket just as a client reuses it is an ECONNRESET the client never caused.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
};
