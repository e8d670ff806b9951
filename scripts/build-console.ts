/**
 * Bundles the finance console (console/src, uPlot from npm) with esbuild into
 * functions/platform/generated/console.js and console.css, which the console's asset function
 * ships beside its bundle (page-files.ts; nothing is fetched at build or run time).
 * `npm run console:build`; a unit test fails when the files are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { consoleFiles } from '../functions/platform/page-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const generatedPaths = { script: `${root}${consoleFiles['console.js']}`, styles: `${root}${consoleFiles['console.css']}` } as const;

export const buildConsole = async (): Promise<{ script: string; styles: string }> => {
  const result = await build({
    entryPoints: [`${root}console/src/main.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'inline',
    charset: 'utf8',
    tsconfig: `${root}console/tsconfig.json`,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const uplotCss = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const styles = `${readFileSync(`${root}console/src/console.css`, 'utf8')}\n${uplotCss}\n`;
  return { script, styles };
};


if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bundle = await buildConsole();
  writeFileSync(generatedPaths.script, bundle.script);
  writeFileSync(generatedPaths.styles, bundle.styles);
  console.log(`console bundle: script ${bundle.script.length} chars -> ${generatedPaths.script}, styles ${bundle.styles.length} chars -> ${generatedPaths.styles}`);
}
