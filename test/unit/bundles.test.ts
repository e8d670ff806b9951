/**
 * The shape of every function's bundle, from esbuild's metafile with the settings CDK deploys
 * with (lib/bundling.ts): deterministic guards for DESIGN's cold-start budget. Timing itself
 * is measured by `npm run bench`, never here.
 *
 * - nothing from lib/ (handlers never depend on infrastructure code);
 * - never the whole event catalogue (a handler imports the contracts it uses);
 * - no other bounded context's entities (contexts meet through events or a port);
 * - the Secrets Manager client only where the function reads a secret from it;
 * - HTTP bundles at most 600 KB minified.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundling } from '../../lib/bundling.js';
import { manifest, secretsOf } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';

const httpBundleLimitBytes = 600 * 1024;
const contexts = ['orders', 'payments', 'logistics', 'payouts', 'platform'] as const;

/** Contexts whose ports (not entities) a context may use: payments settles orders through the orders store. */
const contextOf = (entry: string): string => entry.split('/')[1] ?? '';

const bundleOf = async (entry: string): Promise<{ inputs: string[]; bytes: number }> => {
  const result = await build({
    entryPoints: [join(projectRoot, entry)],
    bundle: true,
    write: false,
    outfile: join(projectRoot, 'cdk.out', 'guard', 'index.mjs'),
    format: bundling.format,
    target: bundling.target,
    platform: bundling.platform,
    minify: bundling.minify,
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  const output = Object.values(meta.outputs).find((o) => o.entryPoint);
  return { inputs: Object.keys(meta.inputs), bytes: output?.bytes ?? 0 };
};

const httpFunctions = new Set<string>(manifest.routes.map((r) => r.function));
const functions = Object.entries(manifest.functions).map(([name, spec]) => ({ name, entry: spec.entry }));
const bundles = new Map<string, Promise<{ inputs: string[]; bytes: number }>>();
const bundled = (entry: string) => {
  let pending = bundles.get(entry);
  if (!pending) bundles.set(entry, (pending = bundleOf(entry)));
  return pending;
};

describe('function bundles carry only their own context', () => {
  beforeAll(async () => {
    // esbuild builds in parallel on its own threads: start them all at once.
    await Promise.all(functions.map((f) => bundled(f.entry)));
  }, 120_000);

  it.each(functions)('$name: no lib/, no event catalogue, no other context\'s entities', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    const own = contextOf(entry);
    expect(inputs.filter((i) => i.startsWith('lib/'))).toEqual([]);
    expect(inputs).not.toContain('events/catalogue.ts');
    const foreignEntities = contexts.filter((c) => c !== own).map((c) => `functions/${c}/entities.ts`);
    expect(inputs.filter((i) => foreignEntities.includes(i))).toEqual([]);
  });

  it.each(functions)('$name: the Secrets Manager client only when it reads a secret', async ({ name, entry }) => {
    const { inputs } = await bundled(entry);
    const hasClient = inputs.some((i) => i.includes('node_modules/@aws-sdk/client-secrets-manager/'));
    if (secretsOf(name).length === 0) expect(hasClient).toBe(false);
    else expect(secretsOf(name).length).toBeGreaterThan(0);
  });

  it.each(functions.filter((f) => httpFunctions.has(f.name)))('$name: HTTP bundle within 600 KB minified', async ({ entry }) => {
    const { bytes } = await bundled(entry);
    expect(bytes).toBeLessThanOrEqual(httpBundleLimitBytes);
  });
});
