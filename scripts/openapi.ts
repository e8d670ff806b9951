/**
 * `npm run openapi`: writes the OpenAPI document, generated from the handlers' zod schemas and
 * the manifest's routes, into functions/platform/generated/openapi.json, which the
 * /openapi.json function ships beside its bundle and serves as it is. Generating at build time keeps zod-to-openapi, the
 * manifest and every handler's schemas out of that function's bundle; a unit test fails when
 * the committed file is not what this script would write.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifest } from '../lib/manifest.js';
import { projectRoot } from '../lib/paths.js';
import { buildOpenApiDocument } from '../functions/shared/api-doc/document.js';
import { openApiFiles } from '../functions/platform/page-files.js';

export const generatedDocumentFile = join(projectRoot, openApiFiles['openapi.json']);

/** The document as served: compact JSON (no newline: it is not edited by hand). */
export const generatedDocumentSource = (): string => JSON.stringify(buildOpenApiDocument(manifest));

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  writeFileSync(generatedDocumentFile, generatedDocumentSource());
  console.warn(`wrote ${generatedDocumentFile}`);
}
