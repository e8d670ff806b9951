/**
 * The shape of every function's bundle, from esbuild's metafile with the settings CDK deploys
 * with (lib/bundling.ts): deterministic guards for DESIGN's cold-start budget. Timing itself
 * is measured by `npm run bench`, never here.
 *
 * - nothing from lib/ (handlers never depend on infrastructure code);
 * - never the whole event catalogue (a handler imports the contracts it uses);
 * - no entity framework: handlers read and write with the document client (decisions 0045,
 *   0046), so no bundle carries ElectroDB, jsonschema or any context's entities.ts;
 * - the Secrets Manager client only where the function reads a secret from it;
 * - DESIGN's 600 KB per HTTP bundle, the Stripe routes' included (the files the page functions
 *   serve ship beside their bundles, never inside; the SDK's credential chain is aliased away);
 * - AWS credentials from Lambda's environment only (lib/bundling.ts's alias, decision 0049);
 * - no static ESM import of node:http, and no undici loaded at import (decision 0050);
 * - nothing loaded lazily (an `import()`, a `require()` of an ES module) that imports anything
 *   (esbuild wraps its target and all it imports in lazy initializers), so no SDK event-stream
 *   support, and no SDK client that needs it (decision 0052);
 * - the plain routes (bundled without a source map) carry no middleware stack, zod or builtins
 *   that cost a cold start (node:crypto, node:zlib, node:fs: read when a request needs them).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { importProfile, schemasBuiltAtImport } from '../../bench/cold-start.js';
import { esbuildOptions } from '../../lib/bundling.js';
import { manifest, secretsOf, type FunctionSpec } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';
import { staticHttpImports } from '../support/bundle-code.js';

/** DESIGN's budget for an HTTP bundle. */
const designHttpBundleBytes = 600 * 1024;
/** zod schemas (checks included) a function may build at import: stored-record schemas are built on first read (z.lazy). */
const schemasAtImportLimit = 250;

/**
 * The modules of other contexts a context's bundles may carry: the ports their owners expose
 * (contexts meet through events or such a port, never another context's store). payments is
 * the orders context's Stripe adapter (it changes orders through order-store.ts) and orders
 * calls it to take payments; booking a parcel puts the order's side (parcel-port.ts) into
 * logistics' transaction; settlement reads a merchant's take rate and an order's FX snapshot;
 * operators enrol merchants and read partners, creators and parcels by their owners' keys,
 * record schemas and views.
 */
const orderModules = ['functions/orders/order.ts', 'functions/orders/order-read.ts', 'functions/orders/order-items.ts'];
const orderDomain = ['functions/orders/markets.ts', 'functions/orders/merchant-record.ts', 'functions/orders/sku.ts', ...orderModules];
/**
 * The functions that read or change an order. Every other bundle, those that read a merchant
 * (orders/merchant-record.ts) or a product (orders/sku.ts) included, carries none of the order's
 * modules: they are about 20 KB and 20-40 schemas at import.
 */
const orderFunctions = new Set(['createOrder', 'getOrder', 'listOrders', 'cancelOrder', 'createRefund', 'stripeWebhook', 'listStripeEvents', 'bookShipment', 'projectShipments', 'settleMerchantOrders', 'getPayoutRunLine']);
const ports: Readonly<Record<string, readonly string[]>> = {
  orders: ['functions/payments/gateway.ts', 'functions/payments/stripe-effects.ts', 'functions/logistics/tracking.ts'],
  payments: [...orderDomain, 'functions/orders/order-store.ts', 'functions/orders/product-read.ts', 'functions/orders/product.ts', 'functions/orders/refund-events.ts'],
  logistics: [...orderDomain, 'functions/orders/order-access.ts', 'functions/orders/parcel-port.ts'],
  payouts: orderDomain,
  platform: [
    ...orderDomain,
    'functions/logistics/logistics-items.ts',
    'functions/logistics/partner-code.ts',
    'functions/logistics/partner-secrets.ts',
    'functions/logistics/partners.ts',
    'functions/logistics/shipment-read.ts',
    'functions/logistics/tracking.ts',
    'functions/payouts/creators.ts',
    'functions/payouts/payout-items.ts',
  ],
  notifications: [],
};

interface Bundle {
  readonly inputs: string[];
  readonly bytes: number;
  readonly code: string;
  /**
   * Every module the bundle loads lazily, which esbuild wraps (with all it imports) in a lazy
   * initializer: an `import()` target, or an ES module loaded with `require()`; with how many
   * modules of the bundle that target imports.
   */
  readonly lazyImports: { path: string; kind: string; external: boolean; bundledImports: number }[];
}

/** Whether each entry ships a source map (the plain routes do not), which decides what esbuild injects. */
const sourceMapOf = new Map(Object.values(manifest.functions as Record<string, FunctionSpec>).map((spec) => [spec.entry, spec.sourceMap]));

const bundleOf = async (entry: string): Promise<Bundle> => {
  const result = await build({
    ...esbuildOptions(projectRoot, sourceMapOf.get(entry)),
    entryPoints: [join(projectRoot, entry)],
    write: false,
    outfile: join(projectRoot, 'cdk.out', 'guard', 'index.mjs'),
    // The guards read the code, not the map.
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  const output = Object.values(meta.outputs).find((o) => o.entryPoint);
  const lazyImports = Object.values(meta.inputs).flatMap((input) =>
    input.imports
      .filter((i) => i.kind === 'dynamic-import' || (i.kind === 'require-call' && meta.inputs[i.path]?.format === 'esm'))
      .map((i) => ({
        path: i.path,
        kind: i.kind,
        external: i.external === true,
        bundledImports: (meta.inputs[i.path]?.imports ?? []).filter((d) => d.external !== true).length,
      })),
  );
  return { inputs: Object.keys(meta.inputs), bytes: output?.bytes ?? 0, code: result.outputFiles[0]?.text ?? '', lazyImports };
};

const sources = new Map<string, string>();
const sourceOf = (file: string): string => {
  let text = sources.get(file);
  if (text === undefined) sources.set(file, (text = readFileSync(join(projectRoot, file), 'utf8')));
  return text;
};

const httpFunctions = new Set<string>(manifest.routes.map((r) => r.function));
const functions = Object.entries(manifest.functions).map(([name, spec]) => ({ name, entry: spec.entry }));
const bundles = new Map<string, Promise<Bundle>>();
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

  it.each(functions)('$name: no lib/, no event catalogue, no entity framework', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    expect(inputs.filter((i) => i.startsWith('lib/'))).toEqual([]);
    expect(inputs).not.toContain('events/catalogue.ts');
    expect(
      inputs.filter((i) => i.includes('node_modules/electrodb/') || i.includes('node_modules/jsonschema/') || /^functions\/[a-z-]+\/(entities|settlement-entities)\.ts$/.test(i) || i === 'functions/shared/db/entities.ts'),
    ).toEqual([]);
  });

  it.each(functions)('$name: zod/mini only, never zod classic (its import alone costs ~10 ms of cold start)', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    expect(inputs.filter((i) => /node_modules\/zod\/(v4\/classic|v3)\//.test(i))).toEqual([]);
    // zod/mini loads no locale: a bundle that carries zod carries the English one (messages in answers and logs).
    if (inputs.some((i) => i.includes('node_modules/zod/'))) expect(inputs).toContain('functions/shared/zod-english.ts');
  });

  it.each(functions)('$name: only its own context and the ports other contexts expose to it', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    const own = entry.split('/')[1] ?? '';
    const foreign = inputs.filter((i) => /^functions\/[a-z]+\//.test(i) && !i.startsWith(`functions/${own}/`) && !i.startsWith('functions/shared/'));
    expect(foreign.filter((i) => !(ports[own] ?? []).includes(i))).toEqual([]);
  });

  it.each(functions)('$name: the order modules only where it reads or changes an order', async ({ name, entry }) => {
    const { inputs } = await bundled(entry);
    expect({ name, carriesOrder: inputs.some((i) => orderModules.includes(i)) }).toEqual({ name, carriesOrder: orderFunctions.has(name) });
  });

  it.each(functions)("$name: AWS credentials from Lambda's environment, not the SDK's whole default chain", async ({ entry }) => {
    const { inputs } = await bundled(entry);
    const sdk = inputs.some((i) => i.includes('node_modules/@aws-sdk/client-'));
    const chain = inputs.filter((i) => /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login)|nested-clients|token-providers)\//.test(i));
    // Every bundle with an SDK client carries the Lambda credentials module, none the rest of the chain.
    expect({ sdk, lambdaCredentials: inputs.includes('functions/shared/clients/lambda-credentials.ts'), chain }).toEqual({ sdk, lambdaCredentials: sdk, chain: [] });
  });

  it.each(functions)('$name: no static ESM import of node:http (its namespace loads undici, 17-20 ms of cold start)', async ({ entry }) => {
    expect(staticHttpImports((await bundled(entry)).code)).toEqual([]);
  });

  it.each(functions)('$name: every module loaded lazily (import(), or require() of an ES module) imports nothing (decision 0052)', async ({ entry }) => {
    const { lazyImports } = await bundled(entry);
    // esbuild turns such a target, and every module it imports, into lazy initializers that then
    // run as functions; a leaf (the event-streams stub, node-http.cjs, bowser) costs only itself.
    // Node's built-ins stay external.
    expect(lazyImports.filter((i) => !i.external && i.bundledImports > 0)).toEqual([]);
  });

  it.each(functions)('$name: no SDK event-stream support, and no SDK client with an event-stream operation', async ({ entry }) => {
    const { inputs } = await bundled(entry);
    expect(inputs.filter((i) => i.includes('node_modules/@smithy/core/dist-es/submodules/event-streams/'))).toEqual([]);
    // A client with an event-stream operation names it in its code (its runtime config takes an event-stream serde).
    const clientFiles = inputs.filter((i) => /node_modules\/@aws-sdk\/client-[a-z0-9-]+\//.test(i));
    expect(clientFiles.filter((file) => /eventstream/i.test(sourceOf(file)))).toEqual([]);
  });

  it.each(functions)('$name: the Secrets Manager client only when it reads a secret', async ({ name, entry }) => {
    const { inputs } = await bundled(entry);
    const hasClient = inputs.some((i) => i.includes('node_modules/@aws-sdk/client-secrets-manager/'));
    expect({ name, hasClient }).toEqual({ name, hasClient: secretsOf(name).length > 0 });
  });

  it.each(functions.filter((f) => httpFunctions.has(f.name)))('$name: HTTP bundle within DESIGN\'s 600 KB', async ({ entry }) => {
    const { bytes } = await bundled(entry);
    expect(bytes).toBeLessThanOrEqual(designHttpBundleBytes);
  });

  const plainRoutes = Object.entries(manifest.functions as Record<string, FunctionSpec>).filter(([, spec]) => spec.sourceMap === false);

  it('the plain routes are the catch-all, GET /, the pages, their files and the OpenAPI document', () => {
    expect(plainRoutes.map(([name]) => name).sort()).toEqual(
      ['apiDocs', 'apiDocsAssets', 'financeConsole', 'financeConsoleAssets', 'notFound', 'openApi', 'problemPage', 'root'].sort(),
    );
  });

  it.each(plainRoutes.map(([name, spec]) => ({ name, entry: spec.entry })))(
    '$name: a plain route: no middleware stack, zod, key lookup, or builtin imported at load',
    async ({ entry }) => {
      const { inputs, code } = await bundled(entry);
      expect(inputs.filter((i) => /node_modules\/(zod|@middy|@aws-lambda-powertools|@aws-sdk)\//.test(i) || i === 'functions/shared/auth.ts' || i === 'functions/shared/http.ts')).toEqual([]);
      expect(inputs).toContain('functions/shared/plain-route.ts');
      // Static imports of builtins (the banner's `module` aside): each costs a bare handler's import time again.
      expect([...code.matchAll(/\bfrom\s*"(node:[a-z/_]+|crypto|zlib|fs|fs\/promises)"/g)].map((m) => m[1])).toEqual([]);
    },
  );

  describe('what importing a bundle does, in a fresh process', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'xborder-bundles-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const profiles = new Map<string, ReturnType<typeof importProfile>>();
    const profiled = async (name: string, entry: string) => {
      let profile = profiles.get(name);
      if (!profile) {
        const file = join(dir, name, 'index.mjs');
        mkdirSync(join(dir, name), { recursive: true });
        writeFileSync(file, (await bundled(entry)).code);
        profiles.set(name, (profile = importProfile(file)));
      }
      return profile;
    };

    it.each(functions)(`$name: at most ${schemasAtImportLimit} zod schemas built`, async ({ name, entry }) => {
      expect((await profiled(name, entry)).schemas).toBeLessThanOrEqual(schemasAtImportLimit);
    });

    it.each(functions)("$name: Node's undici not loaded (node:http read as CommonJS, decision 0050)", async ({ name, entry }) => {
      expect((await profiled(name, entry)).nodeModules.filter((m) => m.includes('undici'))).toEqual([]);
    });

    it('the count sees schemas a bundle builds (a record schema built eagerly would count)', () => {
      // The probe imports zod from the project's node_modules: place it where Node resolves them.
      const local = join(projectRoot, 'cdk.out', 'guard-probe.mjs');
      mkdirSync(join(projectRoot, 'cdk.out'), { recursive: true });
      writeFileSync(local, "import * as z from 'zod/mini'; export const record = z.object({ id: z.string(), n: z.optional(z.number().check(z.int())) }); export const later = z.lazy(() => z.object({ id: z.string() }));\n");
      try {
        // object, string, optional, number, the int check and the number that carries it (a check
        // builds a copy); of the lazy one only the wrapper, not its object or string.
        expect(schemasBuiltAtImport(local)).toBe(7);
      } finally {
        rmSync(local, { force: true });
      }
    });
  });

  it('health is a plain route too: its SDK client, no key lookup, no middleware stack or zod', async () => {
    const { inputs } = await bundled((manifest.functions as Record<string, { entry: string }>).health?.entry ?? '');
    expect(inputs).not.toContain('functions/shared/auth.ts');
    expect(inputs).toContain('functions/shared/plain-route.ts');
    expect(inputs.filter((i) => /node_modules\/(zod|@middy|@aws-lambda-powertools)\//.test(i))).toEqual([]);
  });
});
