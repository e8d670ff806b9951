import { shippedFile } from '../shared/shipped-file.js';
import { docsAssets, docsInitScript } from './docs-page.js';
import { docsRendererFiles } from './page-files.js';
import { assetRoute } from './static-assets.js';

/**
 * GET /docs/{asset}: Swagger UI's script and stylesheet (shipped beside the bundle from the npm
 * package, page-files.ts) and our init script. Swagger UI is versioned with package-lock.json,
 * so clients may keep a file for an hour.
 */
export const handler = assetRoute(
  docsAssets,
  (name) => (name === 'init.js' ? docsInitScript : shippedFile(docsRendererFiles, name)),
  'public, max-age=3600',
);
