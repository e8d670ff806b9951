/**
 * A function bundled as deployed (lib/bundling.ts, its aliases included) talks to DynamoDB with
 * nothing but the credentials Lambda puts in its environment: the health bundle, run in its own
 * process against DynamoDB Local, with HOME pointed at an empty directory (no ~/.aws to fall back on).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../lib/bundling.js';
import { manifest } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';
import { dynamoEndpoint, freshTable } from '../support/tables.js';

let dir = '';
let table = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deployed-health-'));
  table = await freshTable('bundle');
  await build({ ...esbuildOptions(projectRoot), entryPoints: [join(projectRoot, manifest.functions.health.entry)], outfile: join(dir, 'index.mjs'), logLevel: 'silent' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const health = (credentials: Record<string, string>): { status: number; body: { status?: string; code?: string }; log: unknown[] } => {
  const script = `
    const { handler } = await import(${JSON.stringify(`file://${join(dir, 'index.mjs')}`)});
    const r = await handler({ routeKey: 'GET /health', rawPath: '/health', headers: {}, requestContext: { requestId: 'r1', http: { method: 'GET' } }, isBase64Encoded: false });
    process.stdout.write(JSON.stringify({ status: r.statusCode, body: JSON.parse(r.body) }));`;
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AWS_REGION: 'local', AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(), TABLE_NAME: table, ...credentials };
  const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: dir, env, encoding: 'utf8' });
  // The function's own log lines (JSON), not Node's warnings.
  const log = run.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as unknown);
  return { ...(JSON.parse(run.stdout) as { status: number; body: { status?: string; code?: string } }), log };
};

it("signs its requests with Lambda's environment credentials", () => {
  expect(health({ AWS_ACCESS_KEY_ID: 'ASIALOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: 'local' })).toEqual({ status: 200, body: { status: 'ok' }, log: [] });
});

it('without them, health answers 503 and logs the missing credentials as the cause', () => {
  const answer = health({});
  expect(answer).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
  expect(answer.log).toMatchObject([{ level: 'ERROR', message: 'health check failed', error: { name: 'CredentialsProviderError' } }]);
});
