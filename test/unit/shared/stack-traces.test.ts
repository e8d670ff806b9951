/**
 * functions/shared/stack-traces.ts (decision 0051): a bundle built with the deploy settings and
 * run in a fresh Node process without --enable-source-maps formats its stacks in the original
 * sources, reads its map only when a stack is formatted, and without a map changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../../lib/bundling.js';
import { projectRoot } from '../../../lib/paths.js';

// Line numbers matter: the stack is asserted against them.
const thrower = [
  'export function checkAmount(amount: number): void {',
  "  if (amount < 0) throw new RangeError('negative amount');",
  '}',
  'export const placeOrder = (amount: number): number => {',
  '  checkAmount(amount);',
  '  return amount;',
  '};',
  'export class Ledger {',
  '  post(amount: number): number {',
  '    return placeOrder(amount);',
  '  }',
  '}',
].join('\n');

const entry = `
import { installSourceMappedStacks } from ${JSON.stringify(join(projectRoot, 'functions/shared/stack-traces.ts'))};
export const installed = installSourceMappedStacks(import.meta.url);
export { Ledger } from './thrower.ts';
`;

interface Run {
  installed: boolean;
  stack: string[];
}

/**
 * Builds the probe, imports it, lets `between` change the files, then throws through three
 * frames and reports the formatted stack.
 */
const run = async (sourcemap: boolean, between = ''): Promise<Run> => {
  const dir = mkdtempSync(join(tmpdir(), 'xborder-stacks-'));
  try {
    writeFileSync(join(dir, 'thrower.ts'), thrower);
    writeFileSync(join(dir, 'entry.ts'), entry);
    const outfile = join(dir, 'out', 'index.mjs');
    await build({ ...esbuildOptions(projectRoot, sourcemap), entryPoints: [join(dir, 'entry.ts')], outfile, logLevel: 'silent' });
    const script = `
      const { installed, Ledger } = await import(${JSON.stringify(`file://${outfile}`)});
      ${between}
      try { new Ledger().post(-1); } catch (error) {
        console.log(JSON.stringify({ installed, stack: error.stack.split('\\n').slice(0, 4) }));
      }`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as Run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('stacks of a bundle', () => {
  it('name the original files, lines and functions', async () => {
    const { installed, stack } = await run(true);
    expect(installed).toBe(true);
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/^ {4}at checkAmount \(.*thrower\.ts:2:\d+\)$/);
    expect(stack[2]).toMatch(/^ {4}at placeOrder \(.*thrower\.ts:5:\d+\)$/);
    expect(stack[3]).toMatch(/^ {4}at post \(.*thrower\.ts:10:\d+\)$/);
    expect(stack.join('\n')).not.toContain('index.mjs');
  });

  it('read the map when a stack is formatted, not when the bundle loads', async () => {
    // After the import, the map's sources are renamed: the stack shows the new names.
    const rename = `
      const { readFileSync, writeFileSync } = await import('node:fs');
      const mapFile = new URL('./out/index.mjs.map', 'file://' + process.cwd() + '/').pathname;
      const map = JSON.parse(readFileSync(mapFile, 'utf8'));
      map.sources = map.sources.map((source) => source.replace('thrower.ts', 'renamed-after-load.ts'));
      writeFileSync(mapFile, JSON.stringify(map));`;
    const { stack } = await run(true, rename);
    expect(stack[1]).toMatch(/renamed-after-load\.ts:2:\d+\)$/);
  });

  it('keep the bundle’s own positions when the map cannot be read', async () => {
    const { installed, stack } = await run(true, "(await import('node:fs')).writeFileSync('out/index.mjs.map', 'not json');");
    expect(installed).toBe(true);
    expect(stack[1]).toMatch(/index\.mjs:\d+:\d+\)?$/);
  });

  it('without a map, are left to Node', async () => {
    const { installed, stack } = await run(false);
    expect(installed).toBe(false);
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/index\.mjs:\d+:\d+\)?$/);
  });
});
