/**
 * A probe module bundled with the deploy settings (lib/bundling.ts) and run in a fresh Node
 * process, for tests of what a bundle does at import: returns the JSON the probe prints.
 * `alias: false` builds it without lib/bundling.ts's aliases, to show what one stands in for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../lib/bundling.js';
import { projectRoot } from '../../lib/paths.js';

export const runProbeBundle = async (contents: string, { alias = true }: { alias?: boolean } = {}): Promise<Record<string, unknown>> => {
  const dir = mkdtempSync(join(tmpdir(), 'xborder-probe-'));
  try {
    await build({
      ...esbuildOptions(projectRoot, false),
      ...(alias ? {} : { alias: {} }),
      // Packages resolve from the project's node_modules.
      stdin: { contents, resolveDir: projectRoot, loader: 'js' },
      outfile: join(dir, 'index.mjs'),
      logLevel: 'silent',
    });
    return JSON.parse(execFileSync(process.execPath, [join(dir, 'index.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
