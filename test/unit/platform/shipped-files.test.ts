/**
 * The files the page functions serve ship beside their bundles (functions/shared/shipped-file.ts):
 * each such function is bundled with the settings CDK deploys with, its files are copied by the
 * very commands the house construct gives CDK, and the bundle then serves them from a directory
 * with no project and no node_modules around it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundling, esbuildOptions } from '../../../lib/bundling.js';
import { copyShippedFiles } from '../../../lib/constructs/house-function.js';
import { manifest, type FunctionSpec } from '../../../lib/manifest.js';
import { projectRoot } from '../../../lib/paths.js';

const shipping = Object.entries(manifest.functions as Record<string, FunctionSpec>).flatMap(([name, spec]) =>
  spec.files ? [{ name, entry: spec.entry, files: spec.files, sourceMap: spec.sourceMap ?? bundling.sourcemap }] : [],
);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Calls the bundled handler once per name (as `{asset}`) and reports status, content type and the body's SHA-256 (a problem's body as is). */
const serve = (outdir: string, names: readonly string[]): Array<{ status: number; body: string; type: string }> => {
  const script = `
    const { createHash } = await import('node:crypto');
    const { handler } = await import(${JSON.stringify(`file://${join(outdir, 'index.mjs')}`)});
    const answers = [];
    for (const asset of ${JSON.stringify(names)}) {
      const r = await handler({ routeKey: 'GET /x/{asset}', rawPath: '/x/' + asset, headers: {}, pathParameters: { asset },
        requestContext: { requestId: 'r1', http: { method: 'GET' } }, isBase64Encoded: false });
      const body = r.statusCode === 200 ? createHash('sha256').update(r.body).digest('hex') : r.body;
      answers.push({ status: r.statusCode, body, type: r.headers['content-type'] });
    }
    process.stdout.write(JSON.stringify(answers));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: outdir, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out.toString()) as Array<{ status: number; body: string; type: string }>;
};

describe('shipped files', () => {
  it('are the OpenAPI document, Swagger UI and the console (and exist in the project)', () => {
    expect(shipping.map((f) => f.name).sort()).toEqual(['apiDocsAssets', 'financeConsoleAssets', 'openApi']);
    for (const { files } of shipping) for (const from of Object.values(files)) expect(statSync(join(projectRoot, from)).isFile()).toBe(true);
  });

  it.each(shipping)('$name: the deployed layout serves every file as it is, and a missing one is a 500 problem', async ({ entry, files, sourceMap }) => {
    const outdir = mkdtempSync(join(tmpdir(), 'shipped-'));
    try {
      await build({ ...esbuildOptions(projectRoot, sourceMap), entryPoints: [join(projectRoot, entry)], outfile: join(outdir, 'index.mjs'), logLevel: 'silent' });
      // The files are beside the bundle, never in it.
      expect(statSync(join(outdir, 'index.mjs')).size).toBeLessThan(32 * 1024);
      for (const command of copyShippedFiles(files, projectRoot, outdir)) execFileSync('sh', ['-c', command]);
      const names = Object.keys(files);
      const answers = serve(outdir, names);
      expect(answers.map((a) => a.status)).toEqual(names.map(() => 200));
      expect(answers.map((a) => a.body)).toEqual(names.map((n) => sha256(readFileSync(join(projectRoot, files[n] ?? ''), 'utf8'))));

      rmSync(join(outdir, names[0] ?? ''));
      const [missing] = serve(outdir, names.slice(0, 1));
      expect(missing?.status).toBe(500);
      expect(missing?.type).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(missing?.body ?? '{}')).toMatchObject({ code: 'internal_error', status: 500 });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('copies only plain names from project paths (the commands are shell lines)', () => {
    expect(copyShippedFiles({ 'a.js': 'node_modules/x/a.js' }, '/in', '/out')).toEqual(['cp "/in/node_modules/x/a.js" "/out/a.js"']);
    const refused: Array<Record<string, string>> = [{ '../a.js': 'x/a.js' }, { 'a.js': '../secret' }, { 'a.js': 'x/../../a' }, { 'a"; rm -rf /': 'x/a.js' }, { 'a.js': 'x/$(id)' }];
    for (const files of refused) {
      expect(() => copyShippedFiles(files, '/in', '/out')).toThrow('a plain name and a project path only');
    }
  });
});
