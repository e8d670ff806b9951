/**
 * The OpenAPI 3.1 document of the HTTP API, generated (zod-to-openapi) from the
 * handlers' zod schemas and the routes of lib/manifest.ts: every manifest route but
 * `$default` must have an entry in operations.ts, and every entry a manifest route,
 * or generating the document throws (and so does the unit test that generates it).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod/mini';
import { problemStatus, type ProblemCode } from '../errors.js';
import { problemExample } from '../problem-guide.js';
import { operations as defaultOperations, tags, type NamedExample, type OperationDoc, type ProblemRef, type SuccessDoc } from './operations.js';
import { pathParameterExample } from './examples.js';
import { problem } from './responses.js';
import { forZodToOpenApi } from './zod-to-openapi.js';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** What the document needs of a manifest route (lib/manifest.ts passes its routes in: handlers never import lib/). */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';
  readonly path: string;
  readonly auth: 'public' | readonly string[];
}
export interface Manifest {
  readonly routes: readonly RouteSpec[];
}
const defaultRoutePath = '$default';
const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string => (route.path === defaultRoutePath ? defaultRoutePath : `${route.method} ${route.path}`);

/** The security scheme of keyed routes: `Authorization: Bearer <api key>`. */
export const apiKeyScheme = 'apiKey';

const methods = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as const;

const requestHeaders = z.object({
  'Accept-Language': z
    .optional(z.string())
    // No `example`: Swagger UI would pre-fill it into every "Try it out" request (and answer in Chinese).
    .check(z.meta({ description: 'Language of problem `title` and `detail`: English by default, Simplified Chinese for `zh-CN` (e.g. `Accept-Language: zh-CN`).' })),
  'X-Correlation-Id': z
    .optional(z.string())
    .check(z.meta({ description: 'Carried through logs and events and echoed back (1-128 letters, digits and `._:-`); otherwise the request ID is used.' })),
});

const answerHeaders = z.object({
  'X-Request-Id': z.string().check(z.meta({ description: 'This request, as the API logs it.' })),
  'X-Correlation-Id': z.string().check(z.meta({ description: 'The given correlation ID, or the request ID.' })),
});

const problemHeaders = z.extend(answerHeaders, {
  'Content-Language': z.enum(['en', 'zh-CN']).check(z.meta({ description: 'The language of `title` and `detail`.' })),
});

const codeList = (codes: readonly string[]): string => codes.map((code) => `\`${code}\``).join(', ');

/** The problems a route can answer: those of every route of its kind, then its own; by status. */
const problemsOf = (route: RouteSpec, doc: OperationDoc): Map<number, ProblemCode[]> => {
  const body = doc.request?.body !== undefined;
  const refs: ProblemRef[] = [
    ...(route.auth === 'public' ? [] : (['unauthenticated', 'forbidden'] as const)),
    ...(body && !doc.request?.rawBody ? (['malformed_json', 'validation_failed'] as const) : []),
    ...(doc.request?.query || doc.request?.path ? (['validation_failed'] as const) : []),
    ...(body ? (['payload_too_large', 'unsupported_media_type'] as const) : []),
    ...(body && doc.request?.rawBody ? (['malformed_json'] as const) : []),
    ...(doc.problems ?? []),
    'internal_error',
  ];
  const byStatus = new Map<number, ProblemCode[]>();
  for (const ref of refs) {
    const { code, status } = typeof ref === 'string' ? { code: ref, status: problemStatus[ref] } : ref;
    const codes = byStatus.get(status) ?? [];
    if (!codes.includes(code)) codes.push(code);
    byStatus.set(status, codes);
  }
  return byStatus;
};

const problemResponse = (status: number, codes: readonly ProblemCode[]): ResponseConfig => ({
  description: `Problem details: ${codeList(codes)}.`,
  headers: forZodToOpenApi(problemHeaders),
  content: {
    'application/problem+json': {
      schema: forZodToOpenApi(problem),
      examples: Object.fromEntries(
        codes.map((code) => [
          code,
          { summary: code, value: problemExample(code, status, 'en') },
        ]),
      ),
    },
  },
});

/** `example` / `examples` of a media type, as given (only the ones that are set). */
const examplesOf = (doc: { readonly example?: unknown; readonly examples?: Readonly<Record<string, NamedExample>> }) => ({
  ...(doc.example === undefined ? {} : { example: doc.example }),
  ...(doc.examples === undefined ? {} : { examples: { ...doc.examples } }),
});

const successResponse = ({ schema, ...answer }: SuccessDoc): ResponseConfig => ({
  description: answer.description,
  headers: forZodToOpenApi(answer.headers ? z.object({ ...answerHeaders.shape, ...answer.headers.shape }) : answerHeaders),
  ...(schema
    ? {
        content: Object.fromEntries(
          (answer.contentTypes ?? ['application/json']).map((type) => [
            type,
            { schema: forZodToOpenApi(answer.schemaByType?.[type] ?? schema), ...(type === 'application/json' ? examplesOf(answer) : {}) },
          ]),
        ),
      }
    : {}),
});

const fail = (key: string, message: string): never => {
  throw new Error(`OpenAPI: ${key}: ${message}`);
};

const routeConfig = (route: RouteSpec, doc: OperationDoc): RouteConfig => {
  const key = routeKey(route);
  if (route.method === 'ANY') return fail(key, 'an ANY route cannot be documented; give it a method');
  const { request } = doc;

  const templateParams = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  const schemaParams = Object.keys(request?.path?.shape ?? {});
  if (templateParams.join() !== schemaParams.join()) {
    fail(key, `path parameters {${templateParams.join('}, {')}} but the documented path schema has [${schemaParams.join(', ')}]`);
  }

  const responses: Record<string, ResponseConfig> = {};
  for (const [status, answer] of Object.entries(doc.responses)) responses[status] = successResponse(answer);
  for (const [status, codes] of problemsOf(route, doc)) {
    if (responses[status]) fail(key, `status ${status} is both an answer and a problem`);
    responses[status] = problemResponse(status, codes);
  }

  // Path parameters carry an example of the story in examples.ts ("Try it out" pre-fills it) unless their schema has one.
  const path = request?.path
    ? z.object(
        Object.fromEntries(
          Object.entries(request.path.shape).map(([name, field]) => {
            const schema = field as z.ZodMiniType;
            const meta = z.globalRegistry.get(schema) ?? {};
            const example = pathParameterExample(route.path, name);
            return [name, example === undefined || 'example' in meta ? schema : schema.check(z.meta({ ...meta, example }))];
          }),
        ),
      )
    : undefined;

  const roles = route.auth === 'public' ? [] : route.auth;
  const description = [doc.description, roles.length ? `API key role: ${codeList(roles)}.` : 'No API key.']
    .filter((part) => part !== undefined)
    .join('\n\n');
  return {
    method: methods[route.method],
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    description,
    tags: [doc.tag],
    // OpenAPI 3.1 lets a non-OAuth scheme list roles where OAuth lists scopes.
    security: roles.length ? [{ [apiKeyScheme]: [...roles] }] : [],
    request: {
      ...(path ? { params: forZodToOpenApi(path) } : {}),
      ...(request?.query ? { query: forZodToOpenApi(request.query) } : {}),
      headers: forZodToOpenApi(z.object({ ...requestHeaders.shape, ...request?.headers?.shape })),
      ...(request?.body
        ? {
            body: {
              required: true,
              ...(request.bodyDescription ? { description: request.bodyDescription } : {}),
              content: { 'application/json': { schema: forZodToOpenApi(request.body), ...examplesOf(request) } },
            },
          }
        : {}),
    },
    responses,
  };
};

const info = {
  title: 'xborder-commerce API',
  version: '1.0.0',
  description: [
    'Social-commerce cross-border export pilot: merchants, catalogue, orders with landed cost, Stripe payments.',
    '- JSON in and out, UTF-8, camelCase; timestamps ISO 8601 UTC.',
    '- Money is `{ "amount": <integer minor units>, "currency": "CNY" | "USD" | "HKD" | "MOP" }`.',
    '- Lists take `limit` (default 20, at most 100) and an opaque `cursor`, and answer `{ "data": [...], "nextCursor": "..." | null }`.',
    '- Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; `title` and `detail` follow `Accept-Language`.',
    '- Authentication: `Authorization: Bearer <api key>`; a merchant sees only its own resources.',
  ].join('\n'),
};

/** Builds the document; throws when a manifest route and the operation docs disagree. */
export const buildOpenApiDocument = (
  m: Manifest,
  docs: Readonly<Record<string, OperationDoc>> = defaultOperations,
): OpenApiDocument => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', apiKeyScheme, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`xbk_...`), shown once when issued. Roles: `admin`, `merchant`, `finance`.',
  });
  const documented = new Set<string>();
  for (const route of m.routes) {
    if (route.path === defaultRoutePath) continue;
    const key = routeKey(route);
    const doc = docs[key];
    if (!doc) fail(key, 'this manifest route has no entry in functions/shared/api-doc/operations.ts');
    else registry.registerPath(routeConfig(route, doc));
    documented.add(key);
  }
  const stale = Object.keys(docs).filter((key) => !documented.has(key));
  if (stale.length > 0) fail(stale.join(', '), 'documented, but not a route of the manifest');
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
  });
};
