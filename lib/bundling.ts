/**
 * How every function is bundled (esbuild), as plain data: the CDK house construct
 * deploys with it and `npm run bench` and the bundle tests build with it (esbuildOptions).
 */
import { join } from 'node:path';

/** Node's http module read as CommonJS (decision 0050). */
const nodeHttpAsCommonJs = 'functions/shared/clients/node-http.cjs';

/**
 * Injected into every bundle that ships a source map, ahead of its own code: logged stacks name
 * the sources, mapped on the first stack formatted rather than at every cold start (decision 0051).
 */
export const stackTracesInstaller = 'functions/shared/install-stack-traces.ts';

/** The modules injected into a bundle (esbuild `inject`), with absolute paths. */
export const bundleInject = (projectRoot: string, sourcemap: boolean): string[] => (sourcemap ? [join(projectRoot, stackTracesInstaller)] : []);

export const bundling = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings, not a copy of every source file:
  // a smaller .map is less to read on the first stack a process logs (decision 0051).
  sourcesContent: false,
  // Prefer the ESM build of dependencies: better tree-shaking, smaller bundles.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ESM file may still call `require`
  // (for Node built-ins); ESM has none, so define one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /**
   * Packages replaced in every bundle: package -> module, from the project root. The SDK's
   * default credential chain becomes Lambda's environment credentials (decision 0049); node:http
   * is read as CommonJS, not through its ESM namespace, which loads undici (decision 0050); the
   * SDK's event-stream support, which no bundled client uses and which its lazy `import()`
   * made esbuild wrap some 160 SDK modules for, is left out (decision 0052).
   */
  alias: {
    '@aws-sdk/credential-provider-node': 'functions/shared/clients/lambda-credentials.ts',
    http: nodeHttpAsCommonJs,
    'node:http': nodeHttpAsCommonJs,
    '@smithy/core/event-streams': 'functions/shared/clients/no-event-streams.ts',
  },
} as const;

/** The aliases with absolute paths (esbuild resolves a relative one from its working directory). */
export const bundleAliases = (projectRoot: string): Record<string, string> =>
  Object.fromEntries(Object.entries(bundling.alias).map(([pkg, module]) => [pkg, join(projectRoot, module)]));

/** esbuild's build options for a function bundle, as deployed (the entry and output are the caller's). */
export const esbuildOptions = (projectRoot: string, sourcemap: boolean = bundling.sourcemap) => ({
  bundle: true,
  format: bundling.format,
  target: bundling.target,
  platform: bundling.platform,
  minify: bundling.minify,
  sourcemap,
  sourcesContent: bundling.sourcesContent,
  mainFields: [...bundling.mainFields],
  banner: { js: bundling.banner },
  alias: bundleAliases(projectRoot),
  inject: bundleInject(projectRoot, sourcemap),
});
