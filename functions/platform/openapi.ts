import { plainPublicRoute } from '../shared/plain-route.js';
import { shippedFile } from '../shared/shipped-file.js';
import { openApiFiles } from './page-files.js';

/**
 * GET /openapi.json: the OpenAPI 3.1 document, generated at build time (npm run openapi) from
 * the zod schemas and the manifest routes, and shipped beside the bundle (page-files.ts).
 */
export const handler = plainPublicRoute(async () => ({
  status: 200,
  text: await shippedFile(openApiFiles, 'openapi.json'),
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
}));
