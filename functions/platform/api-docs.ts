import { plainPublicRoute } from '../shared/plain-route.js';
import { docsCsp, docsHtml } from './docs-page.js';

/**
 * GET /docs: the API reference page. Static HTML; Swagger UI and its init script come
 * from GET /docs/{asset} (api-docs-assets.ts), the document from GET /openapi.json.
 */
export const handler = plainPublicRoute(() => ({
  status: 200,
  text: docsHtml,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': docsCsp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'public, max-age=300',
  },
}));
