/**
 * functions/shared/stack-traces.ts (decision 0051): a bundle built with the deploy settings (its
 * installer injected ahead of its own code, lib/bundling.ts) and run in a fresh Node process
 * without --enable-source-maps formats its stacks in the original sources, errors thrown while
 * it loads included; reads its map only when a stack is formatted; and without a map changes
 * nothing.
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
  "if (process.env.FAIL_AT_LOAD) checkAmount(-2);",
].join('\n');

const entry = "export { Ledger } from './thrower.ts';\n";

/**
 * Builds the probe with the deploy settings, imports it, lets `between` change the files, then
 * throws through three frames and reports the first lines of the formatted stack.
 */
const run = async (sourcemap: boolean, between = '', env: Record<string, string> = {}): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'xborder-stacks-'));
  try {
    writeFileSync(join(dir, 'thrower.ts'), thrower);
    writeFileSync(join(dir, 'entry.ts'), entry);
    const outfile = join(dir, 'out', 'index.mjs');
    await build({ ...esbuildOptions(projectRoot, sourcemap), entryPoints: [join(dir, 'entry.ts')], outfile, logLevel: 'silent' });
    const script = `
      let stack;
      try {
        const { Ledger } = await import(${JSON.stringify(`file://${outfile}`)});
        ${between}
        new Ledger().post(-1);
      } catch (error) { stack = error.stack; }
      console.log(JSON.stringify(stack.split('\\n').slice(0, 4)));`;
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } })) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('stacks of a bundle', () => {
  it('name the original files, lines and functions', async () => {
    const stack = await run(true);
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/^ {4}at checkAmount \(thrower\.ts:2:\d+\)$/);
    expect(stack[2]).toMatch(/^ {4}at placeOrder \(thrower\.ts:5:\d+\)$/);
    expect(stack[3]).toMatch(/^ {4}at post \(thrower\.ts:10:\d+\)$/);
  });

  it('are mapped for an error thrown while the bundle loads (the installer runs first)', async () => {
    const stack = await run(true, '', { FAIL_AT_LOAD: '1' });
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/^ {4}at checkAmount \(thrower\.ts:2:\d+\)$/);
    expect(stack[2]).toMatch(/thrower\.ts:13:\d+\)?$/);
  });

  it('read the map when a stack is formatted, not when the bundle loads', async () => {
    // After the import, the map's sources are renamed: the stack shows the new names.
    const rename = `
      const { readFileSync, writeFileSync } = await import('node:fs');
      const mapFile = new URL('./out/index.mjs.map', 'file://' + process.cwd() + '/').pathname;
      const map = JSON.parse(readFileSync(mapFile, 'utf8'));
      map.sources = map.sources.map((source) => source.replace('thrower.ts', 'renamed-after-load.ts'));
      writeFileSync(mapFile, JSON.stringify(map));`;
    const stack = await run(true, rename);
    expect(stack[1]).toMatch(/renamed-after-load\.ts:2:\d+\)$/);
  });

  it('keep the bundle’s own positions when the map cannot be read', async () => {
    const stack = await run(true, "(await import('node:fs')).writeFileSync('out/index.mjs.map', 'not json');");
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/index\.mjs:\d+:\d+\)?$/);
  });

  it('are still formatted, unmapped, when mapping a frame fails (reading error.stack never throws)', async () => {
    const nullSources = `
      const { readFileSync, writeFileSync } = await import('node:fs');
      const map = JSON.parse(readFileSync('out/index.mjs.map', 'utf8'));
      writeFileSync('out/index.mjs.map', JSON.stringify({ ...map, sources: map.sources.map(() => null) }));`;
    const stack = await run(true, nullSources);
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/index\.mjs:\d+:\d+\)?$/);
  });

  it('keep a Node error’s code in the first line', async () => {
    const stack = await run(true, "(await import('node:fs')).readFileSync({});");
    expect(stack[0]).toMatch(/^TypeError \[ERR_INVALID_ARG_TYPE\]: /);
  });

  it('without a map, are left to Node', async () => {
    const stack = await run(false);
    expect(stack[0]).toBe('RangeError: negative amount');
    expect(stack[1]).toMatch(/index\.mjs:\d+:\d+\)?$/);
  });
});
