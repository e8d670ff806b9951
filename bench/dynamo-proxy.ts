/**
 * A counting pass-through in front of DynamoDB Local for the payout bench: every call of
 * every process pointed at it (the runtime's handlers, its stream poller) is forwarded
 * unchanged and counted by its `x-amz-target` (`DynamoDB_20120810.Query`,
 * `DynamoDBStreams_20120810.GetRecords`, ...), so Scans cannot hide in another client.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  readonly endpoint: string;
  /** Calls by operation since the last reset, e.g. `{ Query: 12 }` and `{ 'streams:GetRecords': 3 }`. */
  counts(): Record<string, number>;
  /** Milliseconds DynamoDB Local took to answer, summed by operation since the last reset. */
  latencies(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** `DynamoDB_20120810.Query` -> `Query`; `DynamoDBStreams_20120810.GetRecords` -> `streams:GetRecords`. */
const operationOf = (target: string | undefined): string => {
  const [api = '', operation = 'unknown'] = (target ?? '').split('.');
  return api.startsWith('DynamoDBStreams') ? `streams:${operation}` : operation;
};

export const countingProxy = async (upstream: string): Promise<CountingProxy> => {
  const { hostname, port } = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let counts = new Map<string, number>();
  let latencies = new Map<string, number>();
  const server = createServer((req, res) => {
    const operation = operationOf(req.headers['x-amz-target'] as string | undefined);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    const started = performance.now();
    const forwarded = request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => latencies.set(operation, (latencies.get(operation) ?? 0) + performance.now() - started));
    });
    forwarded.on('error', (error) => res.destroy(error));
    req.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1))),
    latencies: () => Object.fromEntries([...latencies].sort(([a], [b]) => (a < b ? -1 : 1)).map(([operation, ms]) => [operation, Math.round(ms)])),
    reset: () => {
      counts = new Map();
      latencies = new Map();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
};
