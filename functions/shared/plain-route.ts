/**
 * Public answers that read nothing and validate nothing (the `$default` 404, `GET /`, the static
 * pages: the API reference, the finance console, the OpenAPI document) skip the
 * middleware stack: the same problem bodies, JSON and ID headers as httpHandler, without
 * middy, Powertools or zod in the bundle, so these functions start as fast as a bare handler
 * (DESIGN's 1.1x cold-start budget for the catch-all). They log nothing of their own: API
 * Gateway's access log and its 4XX metric record every such request.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerIds } from './correlation.js';
import { problemStatus, type ProblemCode } from './errors.js';
import { negotiateLanguage, problemBody, problemResponse } from './problem.js';
import { publicRoute } from './route-access.js';

type Headers = Readonly<Record<string, string>>;

/** JSON (`body`), a page or file as is (`text`, with its content-type), or a problem (at its code's status). */
type Answer =
  | { readonly status: number; readonly body: unknown; readonly headers?: Headers }
  | { readonly status: number; readonly text: string; readonly headers: Headers & { readonly 'content-type': string } }
  | { readonly problem: ProblemCode };

export const plainPublicRoute = (answer: (event: APIGatewayProxyEventV2) => Answer) =>
  Object.assign(
    async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
      const ids = answerIds(event);
      const a = answer(event);
      if ('problem' in a) {
        const lang = negotiateLanguage(event.headers['accept-language']);
        return problemResponse(problemBody(a.problem, problemStatus[a.problem], lang, { instance: event.rawPath }), lang, ids);
      }
      if ('text' in a) return { statusCode: a.status, headers: { 'cache-control': 'no-store', ...ids, ...a.headers }, body: a.text };
      return {
        statusCode: a.status,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...ids, ...a.headers },
        body: JSON.stringify(a.body),
      };
    },
    { access: publicRoute },
  );
