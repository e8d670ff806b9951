import { createServer, type Server } from 'node:net';
import { jest } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalEventBus } from '../../lib/local/event-bus.js';
import { StreamPoller } from '../../lib/local/stream-poller.js';
import { issueApiKey } from '../../functions/shared/api-keys.js';
import { startRuntime, type RuntimeOptions } from '../../lib/local/runtime.js';
import { dynamoEndpoint, uniqueTableName } from '../support/tables.js';

// A start that fails part way stops what it had started, so the caller is not left with a
// bus server, a polling loop or open clients it has no handle on.

const occupiedPort = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
};

const reachable = async (url: string): Promise<boolean> => {
  try {
    await fetch(url, { method: 'POST', signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
};

afterEach(() => jest.restoreAllMocks());

const start = (overrides: Partial<RuntimeOptions>) =>
  startRuntime({
    dynamoEndpoint: dynamoEndpoint(),
    tableName: uniqueTableName('startfail'),
    port: 0,
    secrets: { adminApiKey: issueApiKey().apiKey, cursorKey: 'c', stripeSecretKey: 'sk_test_x', stripeWebhookSecret: 'whsec_x', partnerSecretsKey: 'p' },
    retryBaseMs: 2,
    pollIntervalMs: 20,
    logLevel: 'SILENT',
    ...overrides,
  });

describe('startRuntime failing part way', () => {
  it('when the HTTP port is taken (the last step): stops the poller, the bus and the clients, then rethrows', async () => {
    const { port, server } = await occupiedPort();
    const pollerStart = jest.spyOn(StreamPoller.prototype, 'start');
    const pollerStop = jest.spyOn(StreamPoller.prototype, 'stop');
    const busClose = jest.spyOn(LocalEventBus.prototype, 'close');
    const destroyed = jest.spyOn(DynamoDBClient.prototype, 'destroy');
    try {
      await expect(start({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      server.close();
    }
    expect(pollerStart).toHaveBeenCalledTimes(1);
    expect(pollerStop).toHaveBeenCalledTimes(1);
    expect(busClose).toHaveBeenCalledTimes(1);
    expect(destroyed).toHaveBeenCalled();
    // The bus endpoint the handlers were given no longer answers.
    const busUrl = process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? '';
    expect(busUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await reachable(busUrl)).toBe(false);
  });

  it('when DynamoDB cannot be reached (before the poller exists): closes the bus and the client', async () => {
    const { port, server } = await occupiedPort();
    server.close(); // a port nothing listens on
    const busClose = jest.spyOn(LocalEventBus.prototype, 'close');
    const pollerStart = jest.spyOn(StreamPoller.prototype, 'start');
    const destroyed = jest.spyOn(DynamoDBClient.prototype, 'destroy');
    await expect(start({ dynamoEndpoint: `http://127.0.0.1:${port}` })).rejects.toThrow();
    expect(pollerStart).not.toHaveBeenCalled();
    expect(busClose).toHaveBeenCalledTimes(1);
    expect(destroyed).toHaveBeenCalled();
    expect(await reachable(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ?? '')).toBe(false);
  });
});
