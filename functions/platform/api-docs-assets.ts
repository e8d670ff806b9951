import { compressAsset as compress, etagOf, matchesEtag as matches } from './static-assets.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';
import { assetPath } from './asset-path.js';
import { docsAssets, docsInitScript, isDocsAsset, type DocsAsset } from './docs-page.js';
import { rendererFile } from './docs-renderer.js';

interface Asset {
  readonly text: string;
  readonly etag: string;
}

export const docsAssetPath = assetPath(docsAssets, 'A file of the docs page.');

const assets = new Map<DocsAsset, Asset>();

const assetOf = async (name: DocsAsset): Promise<Asset> => {
  const known = assets.get(name);
  if (known) return known;
  const text = name === 'init.js' ? docsInitScript : await rendererFile(name);
  const asset = { text, etag: etagOf(text) };
  assets.set(name, asset);
  return asset;
};

const serve = httpHandler({ access: publicRoute, path: docsAssetPath }, async (request) => {
  const name = request.path.asset;
  if (!isDocsAsset(name)) throw new ProblemError('not_found');
  const { text, etag } = await assetOf(name);
  const caching = { etag, 'cache-control': 'public, max-age=3600', vary: 'accept-encoding' };
  if (matches(request.headers['if-none-match'], etag)) return { status: 304, headers: caching };
  return {
    status: 200,
    body: text,
    headers: { ...caching, 'content-type': docsAssets[name], 'x-content-type-options': 'nosniff' },
  };
});

/** GET /docs/{asset}: Swagger UI's script and stylesheet (from the npm package, bundled) and our init script. */
export const handler = Object.assign(
  async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => compress(event, await serve(event, context)),
  { access: serve.access },
);
