import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, verifyPartnerDelivery } from '../../../functions/logistics/partner-secrets.js';
import { partnerWebhookBody } from '../../../functions/logistics/tracking.js';
import { UsageError, backoffMs, buildBody, deliver, parsePartnerSendArgs } from '../../../scripts/partner-send.js';
import type { ParseOptions } from '../../../scripts/partner-send.js';

const secret = newWebhookSecret();
const fixed: ParseOptions = { env: {}, now: () => new Date('2025-09-01T08:00:00.000Z'), randomId: () => 'evt_fixed' };
const parse = (...argv: string[]) => parsePartnerSendArgs(argv, fixed);

describe('parsePartnerSendArgs', () => {
  it('builds one event from the flags', () => {
    expect(
      parse(
        '--partner', 'SFX',
        '--secret', secret,
        '--tracking', 'SF123-CN',
        '--status', 'departed',
        '--flight', 'CA123:PVG:LAX',
        '--location', 'CN:Shanghai:PVG',
        '--occurred-at', '2025-09-01T16:30:00+08:00',
        '--event-id', 'evt-42',
        '--description', 'Departed Shanghai',
      ),
    ).toEqual({
      partner: 'SFX',
      secret,
      endpoint: 'http://127.0.0.1:3000/v1/webhooks/logistics/SFX',
      attempts: 5,
      source: {
        kind: 'event',
        event: {
          eventId: 'evt-42',
          trackingNumber: 'SF123-CN',
          status: 'departed',
          occurredAt: '2025-09-01T16:30:00+08:00',
          location: { country: 'CN', city: 'Shanghai', iata: 'PVG' },
          flight: { number: 'CA123', origin: 'PVG', destination: 'LAX' },
          description: 'Departed Shanghai',
        },
      },
    });
  });

  it('defaults occurredAt to now and eventId to a random id, and accepts --flag=value', () => {
    const args = parse('--partner=SFX', `--secret=${secret}`, '--tracking=T1', '--status=picked_up', '--location=US', '--url=https://api.example.com/');
    expect(args.endpoint).toBe('https://api.example.com/v1/webhooks/logistics/SFX');
    expect(args.source).toEqual({
      kind: 'event',
      event: { eventId: 'evt_fixed', trackingNumber: 'T1', status: 'picked_up', occurredAt: '2025-09-01T08:00:00.000Z', location: { country: 'US' } },
    });
  });

  it('takes a file, the secret and the URL from the environment', () => {
    const args = parsePartnerSendArgs(['--partner', 'SFX', '--file', 'events.json', '--attempts', '2'], {
      env: { PARTNER_WEBHOOK_SECRET: secret, API_URL: 'http://localhost:4000' },
    });
    expect(args).toEqual({
      partner: 'SFX',
      secret,
      endpoint: 'http://localhost:4000/v1/webhooks/logistics/SFX',
      attempts: 2,
      source: { kind: 'file', path: 'events.json' },
    });
    expect(parsePartnerSendArgs(['--partner', 'SFX', '--file', 'e.json'], { env: { PARTNER_WEBHOOK_SECRET: secret, PORT: '3100' } }).endpoint).toBe(
      'http://127.0.0.1:3100/v1/webhooks/logistics/SFX',
    );
  });

  it.each([
    ['no partner', ['--secret', secret, '--file', 'e.json'], /--partner is missing/],
    ['a lower-case partner code', ['--partner', 'sfx', '--secret', secret, '--file', 'e.json'], /--partner must be/],
    ['no secret', ['--partner', 'SFX', '--file', 'e.json'], /--secret is missing/],
    ['a secret not in whsec_ form', ['--partner', 'SFX', '--secret', 'hunter2', '--file', 'e.json'], /whsec_/],
    ['neither file nor event', ['--partner', 'SFX', '--secret', secret], /give --file, or --tracking and --status/],
    ['a tracking number without status', ['--partner', 'SFX', '--secret', secret, '--tracking', 'T1'], /--tracking and --status/],
    ['an unknown status', ['--partner', 'SFX', '--secret', secret, '--tracking', 'T1', '--status', 'lost'], /--status must be one of/],
    ['a file and event flags', ['--partner', 'SFX', '--secret', secret, '--file', 'e.json', '--status', 'departed'], /cannot be combined/],
    ['a short flight', ['--partner', 'SFX', '--secret', secret, '--tracking', 'T1', '--status', 'departed', '--flight', 'CA123:PVG'], /--flight is/],
    ['a long location', ['--partner', 'SFX', '--secret', secret, '--tracking', 'T1', '--status', 'arrived', '--location', 'US:LA:LAX:x'], /--location is/],
    ['an unknown option', ['--partner', 'SFX', '--secret', secret, '--file', 'e.json', '--verbose', 'x'], /unknown option --verbose/],
    ['a positional argument', ['SFX'], /unexpected argument SFX/],
    ['a flag without value', ['--partner', 'SFX', '--secret'], /--secret needs a value/],
    ['a flag followed by another flag', ['--partner', '--secret', secret], /--partner needs a value/],
    ['a repeated flag', ['--partner', 'SFX', '--partner', 'ABC'], /given twice/],
    ['a bad URL', ['--partner', 'SFX', '--secret', secret, '--file', 'e.json', '--url', 'localhost:3000'], /--url must be http\(s\)/],
    ['zero attempts', ['--partner', 'SFX', '--secret', secret, '--file', 'e.json', '--attempts', '0'], /--attempts must be 1 to 10/],
  ])('refuses %s', (_name, argv, message) => {
    expect(() => parsePartnerSendArgs(argv, fixed)).toThrow(UsageError);
    expect(() => parsePartnerSendArgs(argv, fixed)).toThrow(message);
  });
});

describe('buildBody', () => {
  it('wraps one event from the flags in a valid batch', () => {
    const args = parse('--partner', 'SFX', '--secret', secret, '--tracking', 'T1', '--status', 'departed', '--flight', 'CA123:PVG:LAX');
    const body: unknown = JSON.parse(buildBody(args.source));
    expect(partnerWebhookBody.parse(body).events).toEqual([
      { eventId: 'evt_fixed', trackingNumber: 'T1', status: 'departed', occurredAt: '2025-09-01T08:00:00.000Z', flight: { number: 'CA123', origin: 'PVG', destination: 'LAX' } },
    ]);
  });

  it('sends a file as it is, wrapping a bare array', () => {
    const events = [{ eventId: 'e1' }];
    expect(buildBody({ kind: 'file', path: 'a.json' }, () => JSON.stringify(events))).toBe(JSON.stringify({ events }));
    expect(buildBody({ kind: 'file', path: 'b.json' }, () => JSON.stringify({ events }))).toBe(JSON.stringify({ events }));
  });

  it('refuses a file that cannot be read, is not JSON or has no events', () => {
    const missing = () => {
      throw new Error('ENOENT');
    };
    expect(() => buildBody({ kind: 'file', path: 'x.json' }, missing)).toThrow(/cannot read x.json/);
    expect(() => buildBody({ kind: 'file', path: 'x.json' }, () => '{')).toThrow(UsageError);
    expect(() => buildBody({ kind: 'file', path: 'x.json' }, () => '{"items":[]}')).toThrow(/must hold/);
  });
});

describe('deliver', () => {
  const body = JSON.stringify({ events: [{ eventId: 'e1', trackingNumber: 'T1', status: 'picked_up', occurredAt: '2025-09-01T08:00:00Z' }] });

  /** A fake endpoint that answers from a script and records what it received. */
  const endpoint = (answers: readonly (number | Error)[]) => {
    const received: Record<string, string>[] = [];
    const fake: typeof fetch = (_input, init) => {
      received.push({ ...(init?.headers as Record<string, string>) });
      const next = answers[received.length - 1] ?? 202;
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve(new Response(JSON.stringify({ accepted: 1 }), { status: next }));
    };
    return { fake, received };
  };

  it('signs with the Standard Webhooks headers the server verifies', async () => {
    const { fake, received } = endpoint([202]);
    const result = await deliver({ endpoint: 'http://x/v1/webhooks/logistics/SFX', secret, body, attempts: 3, fetch: fake });
    expect(result).toEqual({ status: 202, body: '{"accepted":1}', attempts: 1 });
    const [headers] = received;
    expect(headers?.['webhook-id']).toMatch(/^msg_/);
    expect(verifyPartnerDelivery(body, headers ?? {}, [secret])).toEqual(JSON.parse(body));
  });

  it('retries 5xx and network errors with backoff and the same webhook-id, re-signed each time', async () => {
    const { fake, received } = endpoint([503, new TypeError('fetch failed'), 202]);
    const waits: number[] = [];
    let clock = Date.UTC(2025, 8, 1, 8);
    const result = await deliver({
      endpoint: 'http://x',
      secret,
      body,
      attempts: 5,
      msgId: 'msg_1',
      fetch: fake,
      now: () => new Date((clock += 10_000)),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(result.status).toBe(202);
    expect(result.attempts).toBe(3);
    expect(received.map((headers) => headers['webhook-id'])).toEqual(['msg_1', 'msg_1', 'msg_1']);
    expect(new Set(received.map((headers) => headers['webhook-timestamp'])).size).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000);
    expect(waits[1]).toBeGreaterThanOrEqual(2_000);
    for (const headers of received) {
      const timestamp = new Date(Number(headers['webhook-timestamp']) * 1000);
      expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', timestamp, body));
    }
  });

  it('does not retry a 4xx and gives up after the last attempt', async () => {
    const noWait = () => Promise.resolve();
    const rejected = endpoint([401]);
    expect(await deliver({ endpoint: 'http://x', secret, body, attempts: 5, fetch: rejected.fake, sleep: noWait })).toMatchObject({ status: 401, attempts: 1 });
    const down = endpoint([500, 500, 500]);
    expect(await deliver({ endpoint: 'http://x', secret, body, attempts: 3, fetch: down.fake, sleep: noWait })).toMatchObject({ status: 500, attempts: 3 });
    const offline = endpoint([new TypeError('fetch failed'), new TypeError('fetch failed')]);
    expect(await deliver({ endpoint: 'http://x', secret, body, attempts: 2, fetch: offline.fake, sleep: noWait })).toMatchObject({ status: undefined, attempts: 2 });
  });

  it('backs off exponentially up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoffMs(1, () => 1)).toBe(1_200);
  });
});
