/**
 * Functions bundled as deployed (lib/bundling.ts, its aliases included), each run in its own Node
 * process with Lambda's settings (no --enable-source-maps, decision 0051) against DynamoDB Local:
 * - health talks to DynamoDB with nothing but the credentials Lambda puts in its environment,
 *   with HOME pointed at an empty directory (no ~/.aws to fall back on);
 * - getOrder, deployed without its admin key setting, answers 500 and logs a stack that names
 *   the project's source files, read through the source map beside the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../lib/bundling.js';
import { manifest, type FunctionSpec } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';
import { dynamoEndpoint, freshTable } from '../support/tables.js';

let dir = '';
let table = '';
const deployed = ['health', 'getOrder'] as const;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deployed-bundles-'));
  table = await freshTable('bundle');
  for (const name of deployed) {
    const spec: FunctionSpec = manifest.functions[name];
    await build({ ...esbuildOptions(projectRoot, spec.sourceMap), entryPoints: [join(projectRoot, spec.entry)], outfile: join(dir, name, 'index.mjs'), logLevel: 'silent' });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Invocation {
  status: number;
  body: { status?: string; code?: string };
  /** The function's own log lines (JSON), not Node's warnings. */
  log: Record<string, unknown>[];
}

const invoke = (name: (typeof deployed)[number], request: object, settings: Record<string, string>): Invocation => {
  const script = `
    const { handler } = await import(${JSON.stringify(`file://${join(dir, name, 'index.mjs')}`)});
    const r = await handler(${JSON.stringify({ headers: {}, isBase64Encoded: false, ...request })});
    process.stdout.write('\\n' + JSON.stringify({ result: { status: r.statusCode, body: JSON.parse(r.body) } }));`;
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AWS_REGION: 'local', AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(), TABLE_NAME: table, ...settings };
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(dir, name), env, encoding: 'utf8' });
  // Powertools writes to stdout, the plain routes to stderr; the script's answer is its own line.
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const answer = lines.find((line) => 'result' in line)?.result as Omit<Invocation, 'log'>;
  return { ...answer, log: lines.filter((line) => !('result' in line)) };
};

const credentials = { AWS_ACCESS_KEY_ID: 'ASIALOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_SESSION_TOKEN: 'local' };
const healthCheck = { routeKey: 'GET /health', rawPath: '/health', requestContext: { requestId: 'r1', http: { method: 'GET' } } };

it("signs its requests with Lambda's environment credentials", () => {
  expect(invoke('health', healthCheck, credentials)).toEqual({ status: 200, body: { status: 'ok' }, log: [] });
});

it('without them, health answers 503 and logs the missing credentials as the cause', () => {
  const answer = invoke('health', healthCheck, {});
  expect(answer).toMatchObject({ status: 503, body: { code: 'service_unavailable' } });
  expect(answer.log).toMatchObject([{ level: 'ERROR', message: 'health check failed', error: { name: 'CredentialsProviderError' } }]);
});

it('a logged stack names the source files, lines and functions, not the minified bundle', () => {
  const answer = invoke(
    'getOrder',
    {
      routeKey: 'GET /v1/orders/{orderId}',
      rawPath: '/v1/orders/ord_1',
      pathParameters: { orderId: 'ord_1' },
      headers: { authorization: 'Bearer sk_test_unknown' },
      requestContext: { requestId: 'r2', http: { method: 'GET' } },
    },
    credentials,
  );
  expect(answer).toMatchObject({ status: 500, body: { code: 'internal_error' } });
  const [logged] = answer.log.filter((line) => line.message === 'unhandled error');
  const error = logged?.error as { name: string; location: string; stack: string };
  expect(error).toMatchObject({ name: 'ConfigError', location: expect.stringMatching(/functions\/shared\/secrets\.ts:\d+$/) });
  expect(error.stack.split('\n').slice(1, 4)).toEqual([
    expect.stringMatching(/^ {4}at readSecret \(.*functions\/shared\/secrets\.ts:\d+:\d+\)$/),
    expect.stringMatching(/^ {4}at \w+ \(.*functions\/shared\/auth\.ts:\d+:\d+\)$/),
    expect.stringMatching(/^ {4}at authenticate \(.*functions\/shared\/auth\.ts:\d+:\d+\)$/),
  ]);
  expect(error.stack).not.toContain('index.mjs');
});
