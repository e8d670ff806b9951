/**
 * How every function is bundled (esbuild), as plain data: the CDK house construct
 * deploys with it and `npm run bench` measures bundles built with it.
 */
export const bundling = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  // Stack traces need the mappings, not a copy of every source file:
  // a smaller .map is less to read at cold start (NODE_OPTIONS=--enable-source-maps).
  sourcesContent: false,
  // Prefer the ESM build of dependencies: better tree-shaking, smaller bundles.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into an ESM file may still call `require`
  // (for Node built-ins); ESM has none, so define one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
} as const;
