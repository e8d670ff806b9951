/**
 * Issue 9 item 10: what a client can send never reaches the code as a crash. Bad
 * percent-escapes, bytes that are not UTF-8, bodies that are not application/json, odd JSON
 * and over-long IDs are 4xx problems; details and field messages follow Accept-Language.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createApiKey } from '../../../functions/platform/create-api-key.js';
import { handler as getTracking } from '../../../functions/logistics/get-tracking.js';
import { issueApiKey } from '../../../functions/shared/api-keys.js';
import { problemBody } from '../../../functions/shared/problem.js';
import { createRouter } from '../../../lib/local/http-server.js';
import { manifest } from '../../../lib/manifest.js';
import { adapterTestEnv } from '../../support/adapter-env.js';
import { apiEvent, lambdaContext } from '../../support/api-event.js';

const adminKey = issueApiKey().apiKey;
const ddb = adapterTestEnv(adminKey);
const auth = { authorization: `Bearer ${adminKey}` };
const route = 'POST /v1/admin/api-keys';

const call = async (handler: typeof createApiKey, event: ReturnType<typeof apiEvent>) => {
  const response = await handler(event, lambdaContext('test'));
  return { ...response, json: JSON.parse(response.body ?? '{}') as Record<string, unknown> };
};


describe('bad percent-escapes in a path', () => {
  const router = createRouter(manifest);

  it.each([['/v1/tracking/%ff'], ['/v1/tracking/%E0%A4%A'], ['/v1/tracking/%']])('the local router hands %s over undecoded instead of throwing', (path) => {
    const match = router('GET', path);
    expect(match?.route.function).toBe('getTracking');
    expect(match?.pathParameters.trackingNumber).toBe(path.slice('/v1/tracking/'.length));
  });

  it('the handler answers the undecoded parameter with 400 validation_failed and the request-id headers', async () => {
    const response = await call(getTracking, apiEvent('GET /v1/tracking/{trackingNumber}', { path: { trackingNumber: '%ff' } }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'validation_failed', errors: [{ path: 'trackingNumber' }] });
    expect(response.headers?.['x-request-id']).toBe('req-test-1');
  });

  it('an over-long path parameter is refused before any handler or key lookup sees it', async () => {
    const response = await call(getTracking, apiEvent('GET /v1/tracking/{trackingNumber}', { path: { trackingNumber: 'A'.repeat(2100) } }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'validation_failed', errors: [{ path: 'trackingNumber', message: 'at most 255 characters' }] });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('request bodies', () => {
  it('bytes that are not UTF-8 are 400 malformed_json, not U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('{"role":"fin'), Buffer.from([0xff, 0xfe]), Buffer.from('ance"}')]);
    const response = await call(createApiKey, apiEvent(route, { headers: auth, body: bytes.toString('base64'), base64: true }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'malformed_json' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('UTF-8 delivered base64-encoded is read as such', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const body = Buffer.from('{"role":"finance"}').toString('base64');
    const response = await call(createApiKey, apiEvent(route, { headers: { ...auth, 'content-type': 'application/json' }, body, base64: true }));
    expect(response.statusCode).toBe(201);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=latin1'], ['application/jsonx']])(
    'a body sent as %s is 415 unsupported_media_type',
    async (contentType) => {
      const response = await call(createApiKey, apiEvent(route, { headers: { ...auth, 'content-type': contentType }, body: '{"role":"finance"}' }));
      expect(response.statusCode).toBe(415);
      expect(response.json).toMatchObject({ code: 'unsupported_media_type', status: 415 });
    },
  );

  it.each([['application/json'], ['Application/JSON; charset=UTF-8'], ['application/json;charset="utf-8"']])('a body sent as %s is read', async (contentType) => {
    ddb.on(TransactWriteCommand).resolves({});
    const response = await call(createApiKey, apiEvent(route, { headers: { ...auth, 'content-type': contentType }, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(201);
  });

  it.each([['null'], ['[]'], ['42'], ['"finance"'], ['true']])('odd JSON %s is 400 validation_failed', async (body) => {
    const response = await call(createApiKey, apiEvent(route, { headers: { ...auth, 'content-type': 'application/json' }, body }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'validation_failed' });
  });
});

describe('languages', () => {
  it('errors[].message follows Accept-Language (zod zh-CN locale)', async () => {
    const event = (lang: string) => apiEvent(route, { headers: { ...auth, 'accept-language': lang }, body: '{"role":42}' });
    const en = await call(createApiKey, event('en'));
    const zh = await call(createApiKey, event('zh-CN'));
    const [enError] = en.json.errors as { path: string; message: string }[];
    const [zhError] = zh.json.errors as { path: string; message: string }[];
    expect(enError?.path).toBe('role');
    expect(zhError?.path).toBe('role');
    expect(enError?.message).toMatch(/^Invalid/);
    expect(zhError?.message).toMatch(/[\u4e00-\u9fff]/);
    expect(zh.headers?.['content-language']).toBe('zh-CN');
  });

  it('an unknown key lookup does not leak the language of one request into another', async () => {
    ddb.on(GetCommand).resolves({});
    const [zh, en] = await Promise.all([
      call(createApiKey, apiEvent(route, { headers: { ...auth, 'accept-language': 'zh-CN' }, body: '{"role":1}' })),
      call(createApiKey, apiEvent(route, { headers: { ...auth, 'accept-language': 'en' }, body: '{"role":1}' })),
    ]);
    expect((zh.json.errors as { message: string }[])[0]?.message).toMatch(/[\u4e00-\u9fff]/);
    expect((en.json.errors as { message: string }[])[0]?.message).not.toMatch(/[\u4e00-\u9fff]/);
  });

  /** A sentence: starts with a capital (or is Chinese), ends with a full stop, names no English phrase in Chinese. */
  const reasons: [string, 'invalid_state' | 'already_exists', Record<string, string>][] = [
    ['period not over', 'invalid_state', { reason: 'period_not_over', period: '2026-12' }],
    ['later period has a run', 'invalid_state', { reason: 'later_period_run' }],
    ['payment in progress', 'invalid_state', { reason: 'payment_in_progress' }],
    ['refunded at Stripe', 'invalid_state', { reason: 'refunded_at_stripe' }],
    ['only secret', 'invalid_state', { reason: 'only_secret' }],
    ['rollover', 'invalid_state', { reason: 'rollover_in_progress' }],
    ['a status', 'invalid_state', { state: 'cancelled' }],
    ['merchant USCC', 'already_exists', { reason: 'merchant_uscc' }],
    ['partner code', 'already_exists', { reason: 'partner_code', code: 'SFX' }],
    ['tracking number', 'already_exists', { reason: 'tracking_number', trackingNumber: 'SF1', partnerCode: 'SFX' }],
  ];
  it.each(reasons)('the %s detail is one sentence in English and in Chinese', (_, code, params) => {
    const en = problemBody(code, 409, 'en', { params }).detail;
    const zh = problemBody(code, 409, 'zh-CN', { params }).detail;
    expect(en).toMatch(/^[A-Z][^{}]*\.$/);
    expect(en).not.toMatch(/\bis \S+ is\b/); // "... while the resource is 2026-12 is not over yet." was the bug
    expect(zh).toMatch(/^[^{}]*。$/);
    expect(zh.replace(/"[^"]*"|“[^”]*”|[A-Z0-9_-]{2,}|\d{4}-\d{2}|Webhook|Stripe|cancelled/g, '')).not.toMatch(/[a-z]{3,}/);
    for (const [name, value] of Object.entries(params).filter(([name]) => name !== 'reason')) {
      expect(`${name}: ${en}`).toContain(value);
      expect(zh).toContain(value);
    }
  });
});
