import { plainPublicRoute } from '../shared/plain-route.js';
import { openApiDocumentJson } from './openapi-document.generated.js';

/** GET /openapi.json: the OpenAPI 3.1 document, generated at build time (npm run openapi) from the zod schemas and the manifest routes. */
export const handler = plainPublicRoute(() => ({
  status: 200,
  text: openApiDocumentJson,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
}));
