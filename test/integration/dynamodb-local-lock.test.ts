import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbLocalLockFile, isAlive, startDynamoDbLocal, type DynamoDbLocal } from '../../lib/local/dynamodb-local.js';

// A runtime killed with SIGKILL can leave its DynamoDB Local running on the data directory for
// a moment (until its watchdog notices): a new start on the same directory ends that process
// group first (by the pid it recorded), so two never run on one directory. Nothing else is killed.

const dataDir = mkdtempSync(join(tmpdir(), 'xborder-ddb-lock-'));
const started: DynamoDbLocal[] = [];

const answers = async (endpoint: string): Promise<boolean> => {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

afterAll(async () => {
  for (const dynamo of started) await dynamo.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('DynamoDB Local: one per data directory', () => {
  it('ends the process group recorded for the directory before starting a new one, and records the new group', async () => {
    const first = await startDynamoDbLocal({ dataDir });
    started.push(first);
    expect(JSON.parse(readFileSync(dynamoDbLocalLockFile(dataDir), 'utf8'))).toMatchObject({ pgid: first.pid });
    // As after a crash: nobody stopped `first`; a new start on the same directory.
    const second = await startDynamoDbLocal({ dataDir });
    started.push(second);
    expect(isAlive(first.pid)).toBe(false);
    expect(await answers(second.endpoint)).toBe(true);
    expect(JSON.parse(readFileSync(dynamoDbLocalLockFile(dataDir), 'utf8'))).toMatchObject({ pgid: second.pid });
    await second.stop();
    expect(existsSync(dynamoDbLocalLockFile(dataDir))).toBe(false);
  }, 90_000);

  it('leaves alone a live process that is not this directory\'s DynamoDB Local (a reused pid)', async () => {
    writeFileSync(dynamoDbLocalLockFile(dataDir), JSON.stringify({ pgid: process.pid, startedAt: new Date().toISOString() }));
    const dynamo = await startDynamoDbLocal({ dataDir });
    started.push(dynamo);
    expect(await answers(dynamo.endpoint)).toBe(true);
    await dynamo.stop();
  }, 90_000);
});
