/**
 * One signed POST to a merchant endpoint (Standard Webhooks, signed with the
 * `standardwebhooks` library under every active secret). No redirect is followed (Node's
 * http client never follows one: a 3xx is a failed attempt), the answer must come within
 * 10 s, and on AWS stages the connection may only go to an address the SSRF guard vetted.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import { deliveryTimeoutMs } from './policy.js';
import { checkWebhookUrl, guardedLookup, UrlRefusedError } from './url-guard.js';

export interface SendOutcome {
  /** The HTTP status, or null when no answer came (refused, timed out, connection failed). */
  readonly status: number | null;
  readonly error?: string;
}

/** `webhook-signature`: one `v1,<base64>` per secret, space-separated (any one verifies). */
export const signatureHeader = (secrets: readonly string[], id: string, timestamp: Date, body: string): string =>
  secrets.map((secret) => new Webhook(secret).sign(id, timestamp, body)).join(' ');

export const sendWebhook = async (
  input: { url: string; id: string; body: string; secrets: readonly string[]; timestamp: Date },
  options: { enforce: boolean; timeoutMs?: number },
): Promise<SendOutcome> => {
  let url: URL;
  try {
    url = await checkWebhookUrl(input.url, { enforce: options.enforce });
  } catch (error) {
    if (error instanceof UrlRefusedError) return { status: null, error: `url_refused:${error.reason}` };
    throw error;
  }
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(input.body, 'utf8')),
    'user-agent': 'xborder-webhooks/1',
    'webhook-id': input.id,
    'webhook-timestamp': String(Math.floor(input.timestamp.getTime() / 1000)),
    'webhook-signature': signatureHeader(input.secrets, input.id, input.timestamp, input.body),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = send(
      url,
      { method: 'POST', headers, agent: false, ...(options.enforce ? { lookup: guardedLookup } : {}) },
      (res) => {
        // The body is not needed; read and drop it so the socket closes cleanly.
        res.resume();
        res.on('end', () => finish({ status: res.statusCode ?? null }));
        res.on('error', () => finish({ status: res.statusCode ?? null }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      finish({ status: null, error: 'timeout' });
    }, options.timeoutMs ?? deliveryTimeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ status: null, error: error.code ?? error.message }));
    req.end(input.body);
  });
};
