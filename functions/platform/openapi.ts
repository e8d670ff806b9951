import { openApiJson } from '../shared/api-doc/document.js';
import { httpHandler, publicRoute } from '../shared/http.js';

/** GET /openapi.json: the OpenAPI 3.1 document, generated from the zod schemas and the manifest routes. */
export const handler = httpHandler({ access: publicRoute }, async () => ({
  status: 200,
  body: openApiJson(),
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
}));
