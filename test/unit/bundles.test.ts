/**
 * The shape of every function's bundle, from esbuild's metafile with the settings CDK deploys
 * with (lib/bundling.ts): deterministic guards for DESIGN's cold-start budget. Timing itself
 * is measured by `npm run bench`, never here.
 *
 * - nothing from lib/ (handlers never depend on infrastructure code);
 * - never the whole event catalogue (a handler imports the contracts it uses);
 * - no other bounded context's entities beyond the documented ports below (contexts meet
 *   through events or a port the owner exposes);
 * - the Secrets Manager client only where the function reads a secret from it;
 * - a size ceiling per bundle: a ratchet at today's sizes. DESIGN's 600 KB for HTTP bundles
 *   holds for the plain read paths (no ElectroDB); the rest still carry ElectroDB: README,
 *   Benchmarks.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundling } from '../../lib/bundling.js';
import { manifest, secretsOf } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';

/** HTTP bundles today are 750-1,070 KB; the docs assets function inlines Swagger UI (1.4 MB of it). */
const httpBundleLimitBytes = 1_100 * 1024;
/** DESIGN's budget for an HTTP bundle (met so far by the plain read paths below). */
const designHttpBundleBytes = 600 * 1024;
const assetBundleLimitBytes = 2_100 * 1024;
const contexts = ['orders', 'payments', 'logistics', 'payouts', 'platform', 'notifications'] as const;

/**
 * The other contexts' entities a context's model may name (functions/<context>/db.ts says why):
 * payments is the orders context's Stripe adapter; booking a parcel checks the order and lists the
 * parcel under it; settlement reads a merchant's take rate and an order's FX snapshot; operators
 * create merchants and read what other contexts own; a stalled parcel's merchant comes from its shipment.
 */
const ports: Readonly<Record<string, readonly string[]>> = {
  payments: ['orders'],
  logistics: ['orders'],
  payouts: ['orders'],
  platform: ['orders', 'logistics', 'payouts'],
  notifications: ['logistics'],
};

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
    // esbuild builds in parallel on its own threads: start them all at once. The timeout is a hang
    // guard: ~70 bundles take about 100 s on a shared 2-core machine under load, more beside
    // the rest of `npm test`.
    await Promise.all(functions.map((f) => bundled(f.entry)));
  }, 360_000);

  it.each(functions)('$name: no lib/, no event catalogue, no other context\'s entities', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    const own = contextOf(entry);
    expect(inputs.filter((i) => i.startsWith('lib/'))).toEqual([]);
    expect(inputs).not.toContain('events/catalogue.ts');
    const foreignEntities = contexts.filter((c) => c !== own && !(ports[own] ?? []).includes(c)).map((c) => `functions/${c}/entities.ts`);
    expect(inputs.filter((i) => foreignEntities.includes(i))).toEqual([]);
  });

  it.each(functions)('$name: the Secrets Manager client only when it reads a secret', async ({ name, entry }) => {
    const { inputs } = await bundled(entry);
    const hasClient = inputs.some((i) => i.includes('node_modules/@aws-sdk/client-secrets-manager/'));
    if (secretsOf(name).length === 0) expect(hasClient).toBe(false);
    else expect(secretsOf(name).length).toBeGreaterThan(0);
  });

  it.each(functions.filter((f) => httpFunctions.has(f.name)))('$name: HTTP bundle within its size ceiling', async ({ name, entry }) => {
    const { bytes } = await bundled(entry);
    expect(bytes).toBeLessThanOrEqual(name === 'apiDocsAssets' ? assetBundleLimitBytes : httpBundleLimitBytes);
  });

  it('health and the catch-all carry no entity framework and no key lookup', async () => {
    for (const name of ['health', 'notFound']) {
      const { inputs } = await bundled((manifest.functions as Record<string, { entry: string }>)[name]?.entry ?? '');
      expect(inputs.filter((i) => i.includes('node_modules/electrodb/') || i === 'functions/shared/auth.ts')).toEqual([]);
    }
  });

  /** Read paths converted to plain document-client reads (functions/orders/order-read.ts and product-read.ts, functions/logistics/shipment-read.ts). */
  const plainReads = ['getOrder', 'listOrders', 'getProduct', 'listProducts', 'getTracking'];

  it.each(plainReads)('%s: a plain read, no entity framework, within DESIGN\'s 600 KB', async (name) => {
    const { inputs, bytes } = await bundled((manifest.functions as Record<string, { entry: string }>)[name]?.entry ?? '');
    expect(inputs.filter((i) => i.includes('node_modules/electrodb/') || i.includes('node_modules/jsonschema/') || i.endsWith('/db.ts'))).toEqual([]);
    expect(bytes).toBeLessThanOrEqual(designHttpBundleBytes);
  });

  /** The logistics context reads and writes with the document client (functions/logistics/logistics-items.ts). */
  const plainLogistics = ['registerPartner', 'rotatePartnerSecret', 'retirePartnerSecret', 'listUnknownTracking', 'bookShipment', 'partnerWebhook', 'detectStalls'];

  it.each(plainLogistics)('%s: plain document-client reads and writes, no entity framework', async (name) => {
    const { inputs } = await bundled((manifest.functions as Record<string, { entry: string }>)[name]?.entry ?? '');
    expect(inputs.filter((i) => i.includes('node_modules/electrodb/') || i.includes('node_modules/jsonschema/') || i.endsWith('/db.ts') || i.endsWith('/entities.ts'))).toEqual([]);
  });
});
