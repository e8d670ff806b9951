/**
 * The house construct deploys a function's shipped files (the manifest's `files`) beside its
 * bundle, and the plain routes without a source map: a real CDK synth with bundling on (local
 * esbuild, no Docker) of the OpenAPI document's function, the one asset directory inspected.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { HouseFunction } from '../../lib/constructs/house-function.js';
import { manifest } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';

it('bundles openApi with its document beside index.mjs and no source map', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-shipped-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Shipped', { env: { region: 'ap-southeast-1', account: '111111111111' } });
    const spec = manifest.functions.openApi;
    new HouseFunction(stack, 'OpenApi', { entry: spec.entry, stage: 'test', serviceName: 'openApi', files: spec.files, sourceMap: spec.sourceMap });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const dir = join(assembly.directory, assets[0] ?? '');
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'openapi.json']);
    expect(readFileSync(join(dir, 'openapi.json'), 'utf8')).toBe(readFileSync(join(projectRoot, spec.files['openapi.json']), 'utf8'));
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('sourceMappingURL');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
