/**
 * Cold start: import time of each function's production bundle against a bare
 * handler bundle that imports the same SDK clients: the AWS SDK clients it contains and,
 * where it talks to Stripe, the Stripe SDK (a client of another service, like the AWS ones:
 * what the bundle adds beyond its clients is the code this project controls).
 * Bundles are built with lib/bundling.ts, the settings CDK deploys with.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundling, esbuildOptions } from '../lib/bundling.js';
import { manifest, type FunctionSpec } from '../lib/manifest.js';
import { projectRoot } from '../lib/paths.js';

const sdkClients: Record<string, string> = {
  '@aws-sdk/client-dynamodb': "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; new DynamoDBClient({});",
  '@aws-sdk/lib-dynamodb': "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; import { DynamoDBClient as D2 } from '@aws-sdk/client-dynamodb'; DynamoDBDocumentClient.from(new D2({}));",
  '@aws-sdk/client-eventbridge': "import { EventBridgeClient } from '@aws-sdk/client-eventbridge'; new EventBridgeClient({});",
  '@aws-sdk/client-secrets-manager': "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; new SecretsManagerClient({});",
  // The project builds its Stripe client on first use (functions/shared/clients/stripe.ts): the module only.
  stripe: "import Stripe from 'stripe'; Object.assign(globalThis, { baselineStripe: Stripe });",
};

const bundle = async (entry: string, outdir: string, sourcemap: boolean, stock = false): Promise<{ file: string; bytes: number; metafile: Metafile }> => {
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, 'index.mjs');
  const result = await build({
    ...esbuildOptions(projectRoot, sourcemap),
    // `stock`: the SDK as published, without lib/bundling.ts's aliases (its full credential chain).
    ...(stock ? { alias: {} } : {}),
    entryPoints: [entry],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
    // Baseline sources live in a temp dir: resolve packages from the project.
    nodePaths: [join(projectRoot, 'node_modules')],
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  return { file, bytes, metafile: result.metafile };
};

/**
 * The libraries the project chose for every handler (validation, logging and metrics, the
 * middleware engine), each as a trivial use: with the SDK clients, a bundle's "framework
 * floor", what it would import if its own code were empty. The floor shows how much of a
 * ratio is the stack's and how much the project's code.
 */
const frameworks: Record<string, string> = {
  zod: "import * as z from 'zod/mini'; Object.assign(globalThis, { floorSchema: z.object({ id: z.string() }) });",
  '@aws-lambda-powertools/logger': "import { Logger } from '@aws-lambda-powertools/logger'; Object.assign(globalThis, { floorLogger: new Logger() });",
  '@aws-lambda-powertools/metrics': "import { Metrics } from '@aws-lambda-powertools/metrics'; Object.assign(globalThis, { floorMetrics: new Metrics() });",
  '@middy/core': "import middy from '@middy/core'; Object.assign(globalThis, { floorMiddy: middy() });",
};

/** Which of these packages a bundle really contains (from esbuild's metafile). */
const packagesIn = (metafile: Metafile, packages: Record<string, string>): string[] =>
  Object.keys(packages).filter((pkg) => Object.keys(metafile.inputs).some((input) => input.includes(`node_modules/${pkg}/`)));

const importEnv = { AWS_REGION: 'ap-southeast-1', POWERTOOLS_SERVICE_NAME: 'bench', POWERTOOLS_METRICS_NAMESPACE: 'bench', AWS_LAMBDA_FUNCTION_NAME: 'bench' };

const importMs = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...importEnv } });
  return Number(out.toString());
};

/**
 * What importing a bundle does in a fresh process, deterministically, unlike time:
 * - `schemas`: how many zod schemas (checks included) it builds, counted through zod core's
 *   post-construction hook (`globalThis.__zod_globalConfig.postProcessor`, which every schema
 *   constructor calls; zod 4.6 documents it as internal). Stored-record schemas are built on
 *   first read (`z.lazy`), so what remains is what the function's modules build up front;
 * - `nodeModules`: Node's own modules loaded by then (`process.moduleLoadList`; undici's
 *   would mean an ESM import of node:http, decision 0050).
 */
export const importProfile = (file: string): { schemas: number; nodeModules: string[] } => {
  const script = `let built = 0; globalThis.__zod_globalConfig = { postProcessor: () => { built += 1; } }; await import(${JSON.stringify(`file://${file}`)}); process.stdout.write(JSON.stringify({ schemas: built, nodeModules: process.moduleLoadList }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...importEnv } }).toString()) as { schemas: number; nodeModules: string[] };
};

export const schemasBuiltAtImport = (file: string): number => importProfile(file).schemas;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** DESIGN's cold-start budget: a bundle imports in at most this multiple of its bare baseline. */
export const ratioBudget = (fn: string): number => (fn === 'health' || fn === 'notFound' ? 1.1 : 1.25);

export interface ColdStartRow {
  readonly fn: string;
  readonly kb: number;
  readonly importMs: number;
  readonly baselineMs: number;
  readonly deltaMs: number;
  readonly ratio: number;
  /** The same SDK clients plus the framework libraries the bundle carries (zod, Powertools, middy). */
  readonly floorMs: number;
  /**
   * The bare handler with the SDK as published (no alias: its whole default credential chain),
   * what every function paid before decision 0049; undefined without an SDK client.
   */
  readonly stockMs: number | undefined;
  /** zod schemas built at import (schemasBuiltAtImport). */
  readonly schemas: number;
}

export const coldStart = async (runs: number): Promise<ColdStartRow[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'xborder-bench-'));
  const rows: ColdStartRow[] = [];
  const only = process.env.BENCH_FUNCTIONS?.split(',').filter(Boolean);
  for (const [name, spec] of Object.entries(manifest.functions)) {
    if (only && !only.includes(name)) continue;
    // The function's own settings for all three bundles (the plain routes ship no source map).
    const sourcemap = (spec as FunctionSpec).sourceMap ?? bundling.sourcemap;
    const real = await bundle(join(projectRoot, spec.entry), join(dir, name), sourcemap);
    const clients = packagesIn(real.metafile, sdkClients).map((pkg) => sdkClients[pkg]).join('\n');
    const framework = packagesIn(real.metafile, frameworks).map((pkg) => frameworks[pkg]).join('\n');
    const baselineOf = async (kind: string, imports: string, stock = false) => {
      const source = join(dir, `${name}-${kind}.ts`);
      writeFileSync(source, `${imports}\nexport const handler = async () => ({ statusCode: 200 });\n`);
      return bundle(source, join(dir, `${name}-${kind}`), sourcemap, stock);
    };
    const baseline = await baselineOf('baseline', clients);
    const floor = await baselineOf('floor', `${clients}\n${framework}`);
    const stock = clients ? await baselineOf('stock', clients, true) : undefined;
    const realTimes: number[] = [];
    const baseTimes: number[] = [];
    const floorTimes: number[] = [];
    const stockTimes: number[] = [];
    // Interleaved fresh processes, so machine load drifts over all sides alike.
    for (let i = 0; i < runs; i += 1) {
      realTimes.push(importMs(real.file));
      baseTimes.push(importMs(baseline.file));
      floorTimes.push(importMs(floor.file));
      if (stock) stockTimes.push(importMs(stock.file));
    }
    const importTime = median(realTimes);
    const baselineTime = median(baseTimes);
    rows.push({
      fn: name,
      kb: Math.round(real.bytes / 1024),
      importMs: importTime,
      baselineMs: baselineTime,
      deltaMs: importTime - baselineTime,
      ratio: importTime / baselineTime,
      floorMs: median(floorTimes),
      stockMs: stock ? median(stockTimes) : undefined,
      schemas: schemasBuiltAtImport(real.file),
    });
  }
  return rows;
};
