import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { assetPath } from './asset-path.js';
import { consoleScript, consoleStyles } from './console-bundle.generated.js';
import { assetGuard, compressAsset, etagOf, matchesEtag } from './static-assets.js';

/** The files GET /console/{asset} serves: their content types and text (the page itself is console-page.ts). */
export const consoleAssets = {
  'console.js': { type: 'text/javascript; charset=utf-8', text: consoleScript },
  'console.css': { type: 'text/css; charset=utf-8', text: consoleStyles },
} as const;
type ConsoleAsset = keyof typeof consoleAssets;
const isConsoleAsset = assetGuard(consoleAssets);
export const consoleAssetPath = assetPath(consoleAssets, 'A file of the console page.');

const etags = new Map<ConsoleAsset, string>();
const etagOfAsset = (name: ConsoleAsset): string => {
  let etag = etags.get(name);
  if (etag === undefined) {
    etag = etagOf(consoleAssets[name].text);
    etags.set(name, etag);
  }
  return etag;
};

const serve = httpHandler({ access: publicRoute, path: consoleAssetPath }, async (request) => {
  const name = request.path.asset;
  if (!isConsoleAsset(name)) throw new ProblemError('not_found');
  const etag = etagOfAsset(name);
  // The page revalidates: a new deployment's bundle is picked up at once, an unchanged one costs a 304.
  const caching = { etag, 'cache-control': 'no-cache', vary: 'accept-encoding' };
  if (matchesEtag(request.headers['if-none-match'], etag)) return { status: 304, headers: caching };
  return {
    status: 200,
    body: consoleAssets[name].text,
    headers: { ...caching, 'content-type': consoleAssets[name].type, 'x-content-type-options': 'nosniff' },
  };
});

/** GET /console/{asset}: the console's script (with uPlot) and stylesheet, bundled from console/src. */
export const handler = Object.assign(
  async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => compressAsset(event, await serve(event, context)),
  { access: serve.access },
);
