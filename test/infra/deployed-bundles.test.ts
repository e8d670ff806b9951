/**
 * What the house construct hands CDK's bundling, seen in a real synth with bundling on (local
 * esbuild, no Docker): a function's shipped files beside its bundle, no source map for the
 * plain routes, and lib/bundling.ts's aliases (the SDK's credentials from Lambda's environment,
 * node:http read as CommonJS, no SDK event-stream support) and injected stack-trace installer.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { HouseFunction } from '../../lib/constructs/house-function.js';
import { manifest, type FunctionName } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';
import { staticHttpImports } from '../support/bundle-code.js';

/** Synthesizes one function and returns its asset directory's files (name -> text). */
const deployed = (name: FunctionName): Map<string, string> => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-bundle-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'Bundle', { env: { region: 'ap-southeast-1', account: '111111111111' } });
    const spec: { entry: string; files?: Readonly<Record<string, string>>; sourceMap?: false } = manifest.functions[name];
    new HouseFunction(stack, 'Fn', { entry: spec.entry, stage: 'test', serviceName: name, files: spec.files, sourceMap: spec.sourceMap });
    const assembly = app.synth();
    const [asset = ''] = readdirSync(assembly.directory).filter((d) => d.startsWith('asset.'));
    const dir = join(assembly.directory, asset);
    return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

it('openApi: its document beside index.mjs, and no source map', () => {
  const files = deployed('openApi');
  expect([...files.keys()].sort()).toEqual(['index.mjs', 'openapi.json']);
  expect(files.get('openapi.json')).toBe(readFileSync(join(projectRoot, manifest.functions.openApi.files['openapi.json']), 'utf8'));
  expect(files.get('index.mjs')).not.toContain('sourceMappingURL');
  // No map, so no stack-trace installer injected (decision 0051).
  expect(files.get('index.mjs')).not.toContain('prepareStackTrace');
});

it("health: the SDK reads Lambda's environment credentials and carries none of the rest of its chain", () => {
  const files = deployed('health');
  expect([...files.keys()].sort()).toEqual(['index.mjs', 'index.mjs.map']);
  const code = files.get('index.mjs') ?? '';
  expect(code).toContain('AWS_SESSION_TOKEN');
  // Markers of the SSO, credential-process and web-identity providers the default chain bundles.
  for (const marker of ['sso_start_url', 'credential_process', 'AWS_WEB_IDENTITY_TOKEN_FILE']) expect(code).not.toContain(marker);
  // Its map is read through the injected stack-trace installer (decision 0051).
  expect(code).toContain('prepareStackTrace');
  // The SDK's event-stream support is the stub, not the real module (decision 0052).
  expect(code).toContain('@smithy/core/event-streams is not bundled');
  expect(code).not.toContain('EventStreamCodec');
});

it('dispatchWebhooks: node:http read as CommonJS, never through its ESM namespace (decision 0050)', () => {
  const code = deployed('dispatchWebhooks').get('index.mjs') ?? '';
  expect(code).toContain('getBuiltinModule("node:http")');
  expect(staticHttpImports(code)).toEqual([]);
});
