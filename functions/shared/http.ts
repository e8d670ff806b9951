/**
 * The HTTP adapter every API handler is built with: Middy with Powertools logging,
 * tracing and metrics, then auth (from the manifest route), body limits, JSON parsing
 * and zod validation, so the handler body sees typed, validated input only. All error
 * mapping happens here, once: ProblemError -> problem+json; anything else -> a generic 500.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Principal } from './api-keys.js';
import type { RouteAccess } from './route-access.js';
import { bodyLimitBytes } from './contracts.js';
import { answerIds } from './correlation.js';
import { ConfigError, ProblemError } from './errors.js';
import { logger, metrics } from './observability.js';
import { negotiateLanguage, problemBody, problemResponse, type Language } from './problem.js';
import { validate, withLanguage } from './validation.js';

export interface HttpRequest<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly path: P;
  readonly principal: Principal | null;
  /** Lower-case header names, as API Gateway HTTP APIs deliver them. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as received (webhook signatures are computed over it). */
  readonly rawBody: string;
  /** The `Idempotency-Key` header, when the spec requires one. */
  readonly idempotencyKey: string;
  readonly correlationId: string;
  readonly requestId: string;
}

export interface HttpResult {
  readonly status: number;
  /** JSON-serialised, unless `headers['content-type']` is set and the body is a string. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export { publicRoute, type RouteAccess } from './route-access.js';

export interface HttpSpec<B extends z.ZodMiniType, Q extends z.ZodMiniType, P extends z.ZodMiniType> {
  readonly access: RouteAccess;
  readonly body?: B;
  readonly query?: Q;
  readonly path?: P;
  /** Keep the body as text (webhooks): no JSON parsing or body validation here. */
  readonly rawBody?: boolean;
  /** Require an `Idempotency-Key` header (1..255 characters), checked before the body. */
  readonly idempotencyKey?: boolean;
}

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** `application/json`, with no charset or `charset=utf-8`; an absent Content-Type is taken as JSON. */
const isJsonMediaType = (contentType: string | undefined): boolean => {
  if (contentType === undefined || contentType.trim() === '') return true;
  const [type = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-8"?$/.test(param));
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text. API Gateway delivers a body it does not take for text base64-encoded;
 * those bytes must be UTF-8 (a JSON body never silently turns into U+FFFD), and a body the
 * route reads must be sent as application/json. A route that reads no body ignores one.
 */
const decodeBody = (event: APIGatewayProxyEventV2, readsBody: boolean): string => {
  if (!readsBody || event.body === undefined || event.body === null || event.body === '') return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > bodyLimitBytes) throw new ProblemError('payload_too_large', { params: { limit: bodyLimitBytes } });
  if (!isJsonMediaType(event.headers['content-type'])) throw new ProblemError('unsupported_media_type');
  if (!event.isBase64Encoded) return event.body;
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new ProblemError('malformed_json', { cause });
  }
};

/** Longest path parameter any route takes; longer ones never reach a handler (or a DynamoDB key). */
export const pathParameterMaxLength = 255;

const boundedPathParameters = (given: Record<string, string | undefined> | undefined, lang: Language): Record<string, string | undefined> => {
  const params = given ?? {};
  const long = Object.keys(params).filter((name) => (params[name] ?? '').length > pathParameterMaxLength);
  if (long.length > 0) throw new ProblemError('validation_failed', { errors: long.map((name) => ({ path: name, message: lengthMessage(lang) })) });
  return params;
};

const lengthMessage = (lang: Language): string =>
  lang === 'zh-CN' ? `最多 ${pathParameterMaxLength} 个字符` : `at most ${pathParameterMaxLength} characters`;

const requireIdempotencyKey = (value: string | undefined, lang: Language): string => {
  if (value === undefined || value === '') throw new ProblemError('idempotency_key_required');
  if (value.length > 255) {
    throw new ProblemError('validation_failed', { errors: [{ path: 'Idempotency-Key', message: lengthMessage(lang) }] });
  }
  return value;
};

export const parseJson = (text: string): unknown => {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProblemError('malformed_json', { cause });
  }
};

const respond = (result: HttpResult, headers: Record<string, string>): APIGatewayProxyStructuredResultV2 => {
  const given = result.headers ?? {};
  const raw = typeof result.body === 'string' && given['content-type'] !== undefined;
  return {
    statusCode: result.status,
    headers: {
      ...(result.body === undefined || raw ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'cache-control': 'no-store',
      ...headers,
      ...given,
    },
    ...(result.body === undefined ? {} : { body: raw ? String(result.body) : JSON.stringify(result.body) }),
  };
};

const toProblem = (error: unknown, lang: Language, instance: string, headers: Record<string, string>) => {
  if (error instanceof ProblemError) {
    const log = error.status >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
    log('request refused', { code: error.code, status: error.status, error: error.status >= 500 ? error : undefined });
    return problemResponse(
      problemBody(error.code, error.status, lang, { params: error.params, errors: error.errors, instance, extensions: error.extensions }),
      lang,
      { ...error.headers, ...headers },
    );
  }
  logger.error('unhandled error', { error: error instanceof Error ? error : String(error) });
  return problemResponse(problemBody('internal_error', 500, lang, { instance }), lang, headers);
};

export const httpHandler = <
  B extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
>(
  spec: HttpSpec<NonNullable<B>, NonNullable<Q>, NonNullable<P>> & { body?: B; query?: Q; path?: P },
  fn: (request: HttpRequest<Out<B>, Out<Q>, Out<P>>) => Promise<HttpResult>,
) =>
  Object.assign(
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const lang = negotiateLanguage(event.headers['accept-language']);
      const headers = answerIds(event);
      const { 'x-request-id': requestId, 'x-correlation-id': correlationId } = headers;
      logger.appendKeys({ requestId, correlationId, route: event.routeKey });
      // Validation messages anywhere below (handlers validate too) follow Accept-Language.
      return withLanguage(lang, async () => {
        try {
          const principal = spec.access.authenticate ? await spec.access.authenticate(event.headers.authorization) : null;
          if (principal) logger.appendKeys({ keyId: principal.keyId, role: principal.role, tenantId: principal.tenantId ?? undefined });
          const idempotencyKey = spec.idempotencyKey ? requireIdempotencyKey(event.headers['idempotency-key'], lang) : '';
          const pathParameters = boundedPathParameters(event.pathParameters, lang);
          const rawBody = decodeBody(event, spec.body !== undefined || spec.rawBody === true);
          const body = spec.body && !spec.rawBody ? validate(spec.body, parseJson(rawBody)) : undefined;
          const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}) : undefined;
          const path = spec.path ? validate(spec.path, pathParameters) : undefined;
          const result = await fn({
            body: body as Out<B>,
            query: query as Out<Q>,
            path: path as Out<P>,
            principal,
            headers: event.headers,
            rawBody,
            idempotencyKey,
            correlationId,
            requestId,
          });
          return counted(respond(result, headers));
        } catch (error) {
          return counted(toProblem(error, lang, event.rawPath, headers));
        }
      });
    }),
    { access: spec.access },
  );

/** Every answer counts in Api2xx / Api4xx / Api5xx (the dashboard's error rates). */
const counted = (response: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => {
  const status = response.statusCode ?? 200;
  metrics.addMetric(status >= 500 ? 'Api5xx' : status >= 400 ? 'Api4xx' : 'Api2xx', MetricUnit.Count, 1);
  return response;
};

/** The merchant every query of a merchant route is scoped by. */
export const requireTenant = (request: { principal: Principal | null }): string => {
  const tenant = requirePrincipal(request).tenantId;
  if (!tenant) throw new ConfigError('merchant route called with a key that has no tenant');
  return tenant;
};

/** The caller's principal on a keyed route (the adapter has already authenticated it). */
export const requirePrincipal = (request: { principal: Principal | null }): Principal => {
  if (!request.principal) throw new ConfigError('route is public but the handler needs a principal');
  return request.principal;
};
