/** A merchant's webhook endpoint on loopback, for tests: records every request it is sent. */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedWebhook[];
  stop(): Promise<void>;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * `answer` decides each reply: a status, or 'drop' to cut the connection without answering
 * (a receiver dying mid-request). Listens on `port` (0: any free one).
 */
export const startReceiver = async (
  options: { port?: number; answer?: (hook: ReceivedWebhook, index: number) => number | 'drop'; headers?: Record<string, string> } = {},
): Promise<Receiver> => {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const hook = { headers, body };
      received.push(hook);
      const answer = options.answer?.(hook, received.length - 1) ?? 200;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain', ...options.headers });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('receiver did not bind');
  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    port: address.port,
    received,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
