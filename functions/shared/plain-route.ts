/**
 * Public answers that take no body and no key and check at most a path name (the `$default`
 * 404, `/health`, `GET /`, the static pages and their files, the problem pages, the OpenAPI
 * document) skip the middleware stack: the same problem bodies, JSON and ID headers as
 * httpHandler, without middy, Powertools or zod in the bundle, so these functions start as
 * fast as a bare handler (DESIGN's 1.1x cold-start budget for the catch-all and health).
 * API Gateway's access log and its 4XX/5XX metrics record every such request; the function logs
 * only a failure's cause (plainFailure), one JSON line as the house logger writes them.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerIds } from './correlation.js';
import { problemStatus, type FieldError, type ProblemCode } from './errors.js';
import { negotiateLanguage, problemBody, problemResponse } from './problem.js';
import { publicRoute } from './route-access.js';

type Headers = Readonly<Record<string, string>>;

/**
 * JSON (`body`), a page or file as is (`text`, with its content-type; `base64` when it is
 * compressed), no body at all (a 304:
 * `headers` only), or a problem (at its code's status, with field `errors` for a 400).
 */
export type PlainAnswer =
  | { readonly status: number; readonly body: unknown; readonly headers?: Headers }
  | { readonly status: number; readonly text: string; readonly base64?: true; readonly headers: Headers & { readonly 'content-type': string } }
  | { readonly status: 304; readonly headers: Headers }
  | { readonly problem: ProblemCode; readonly errors?: readonly FieldError[] };

const answered = (event: APIGatewayProxyEventV2, a: PlainAnswer): APIGatewayProxyStructuredResultV2 => {
  const ids = answerIds(event);
  if ('problem' in a) {
    const lang = negotiateLanguage(event.headers['accept-language']);
    return problemResponse(problemBody(a.problem, problemStatus[a.problem], lang, { instance: event.rawPath, errors: a.errors }), lang, ids);
  }
  if ('text' in a) {
    return { statusCode: a.status, headers: { 'cache-control': 'no-store', ...ids, ...a.headers }, body: a.text, ...(a.base64 ? { isBase64Encoded: true } : {}) };
  }
  if (!('body' in a)) return { statusCode: a.status, headers: { 'cache-control': 'no-store', ...ids, ...a.headers } };
  return {
    statusCode: a.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...ids, ...a.headers },
    body: JSON.stringify(a.body),
  };
};

/**
 * A failure's cause in the function's log: one JSON line with the keys the house logger writes
 * (level, message, service, error name and message). No request data: these routes take none.
 */
export const plainFailure = (message: string, cause: unknown): void => {
  const { name, message: detail } = cause instanceof Error ? cause : { name: 'Error', message: String(cause) };
  console.error(
    JSON.stringify({ level: 'ERROR', message, timestamp: new Date().toISOString(), service: process.env.POWERTOOLS_SERVICE_NAME, error: { name, message: detail } }),
  );
};

export const plainPublicRoute = (answer: (event: APIGatewayProxyEventV2) => PlainAnswer | Promise<PlainAnswer>) =>
  Object.assign(
    async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
      try {
        return answered(event, await answer(event));
      } catch (error) {
        // A shipped file missing from the deployment, say: the caller gets the problem body every
        // route answers, and the function's log the cause.
        plainFailure('plain route failed', error);
        return answered(event, { problem: 'internal_error' });
      }
    },
    { access: publicRoute },
  );
