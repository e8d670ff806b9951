/**
 * The API docs page (GET /docs): static HTML that loads Swagger UI (npm package
 * swagger-ui-dist) and our init script from this API's own paths, under a
 * Content-Security-Policy that allows nothing but 'self' (no CDN, no inline script
 * or style, no data: URLs). Pure data; the handlers are api-docs.ts and api-docs-assets.ts.
 */
import { docsPagePath, openApiPath } from './doc-paths.js';
import { assetGuard } from './static-assets.js';

/** The files GET /docs/{asset} serves, with their content types. */
export const docsAssets = {
  'swagger-ui.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'init.js': 'text/javascript; charset=utf-8',
} as const;
export type DocsAsset = keyof typeof docsAssets;
export const isDocsAsset = assetGuard(docsAssets);

export const assetUrl = (asset: DocsAsset): string => `${docsPagePath}/${asset}`;

/**
 * Swagger UI builds its styles from swagger-ui.css and the CSSOM (React `style` props), never
 * from inline <style> or style="" markup, so `style-src 'self'` is enough. Its CSS embeds a few
 * decorative icons (select arrow, model toggle, checkbox tick, copy button) as data: URLs, so
 * images may also be `data:` (no script can run from an image). "Try it out" works: the API is
 * same-origin, `connect-src 'self'`.
 */
export const docsCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Loaded from /docs/init.js (CSP: no inline script). The spec is this API's own /openapi.json. */
export const docsInitScript = `'use strict';
window.ui = window.SwaggerUIBundle({
  url: ${JSON.stringify(openApiPath)},
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  presets: [window.SwaggerUIBundle.presets.apis],
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 1,
});
`;

export const docsHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>xborder-commerce API (v1)</title>
<link rel="stylesheet" href="${assetUrl('swagger-ui.css')}">
</head>
<body>
<noscript>This page needs JavaScript. The OpenAPI document itself is at <a href="${openApiPath}">${openApiPath}</a>.</noscript>
<div id="swagger-ui"></div>
<script src="${assetUrl('swagger-ui.js')}"></script>
<script src="${assetUrl('init.js')}"></script>
</body>
</html>
`;
