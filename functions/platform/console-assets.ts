import { shippedFile } from '../shared/shipped-file.js';
import { consoleAssets } from './console-page.js';
import { consoleFiles } from './page-files.js';
import { assetRoute } from './static-assets.js';

/**
 * GET /console/{asset}: the console's script (with uPlot) and stylesheet, built from console/src
 * and shipped beside the bundle (page-files.ts). The page revalidates: a new deployment's files
 * are picked up at once, an unchanged one costs a 304.
 */
export const handler = assetRoute(consoleAssets, (name) => shippedFile(consoleFiles, name), 'no-cache');
