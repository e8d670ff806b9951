import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey, issueApiKey } from '../../../functions/shared/api-keys.js';
import { bodyLimitBytes } from '../../../functions/shared/contracts.js';
import { handler as createApiKey } from '../../../functions/platform/create-api-key.js';
import { adapterTestEnv } from '../../support/adapter-env.js';
import { apiEvent, lambdaContext } from '../../support/api-event.js';

const adminKey = issueApiKey().apiKey;
const ddb = adapterTestEnv(adminKey);
const route = 'POST /v1/admin/api-keys';

const storedKey = (apiKey: string, role: 'finance' | 'merchant') => ({
  pk: `APIKEY#${hashApiKey(apiKey)}`,
  sk: 'APIKEY',
  keyHash: hashApiKey(apiKey),
  keyId: 'key_01TEST',
  role,
  keyPreview: 'xbk_…test',
  createdBy: 'admin',
  createdAt: '2026-11-01T00:00:00.000Z',
  __edb_e__: 'apiKey',
  __edb_v__: '1',
});

const call = async (event: ReturnType<typeof apiEvent>) => {
  const response = await createApiKey(event, lambdaContext('createApiKey'));
  return { ...response, json: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined };
};


describe('HTTP adapter: auth', () => {
  it.each([
    ['no header', {}],
    ['not a bearer', { authorization: `Basic ${adminKey}` }],
    ['empty bearer', { authorization: 'Bearer ' }],
  ])('401 unauthenticated: %s', async (_, headers) => {
    const response = await call(apiEvent(route, { headers, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.json).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it.each([['bearer'], ['BEARER'], ['bEaReR']])('accepts the auth scheme in any case (RFC 7235): "%s <key>"', async (scheme) => {
    ddb.on(TransactWriteCommand).resolves({});
    const response = await call(apiEvent(route, { headers: { authorization: `${scheme} ${adminKey}` }, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(201);
  });

  it('401 for a well-formed key nobody issued (looked up by its hash)', async () => {
    ddb.on(GetCommand).resolves({});
    const unknown = issueApiKey().apiKey;
    const response = await call(apiEvent(route, { headers: { authorization: `Bearer ${unknown}` }, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(401);
    const lookup = ddb.commandCalls(GetCommand)[0]?.args[0].input;
    expect(lookup?.Key).toEqual({ pk: `APIKEY#${hashApiKey(unknown)}`, sk: 'APIKEY' });
  });

  it('403 forbidden for a valid key whose role the route does not allow', async () => {
    const financeKey = issueApiKey().apiKey;
    ddb.on(GetCommand).resolves({ Item: storedKey(financeKey, 'finance') });
    const response = await call(apiEvent(route, { headers: { authorization: `Bearer ${financeKey}` }, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(403);
    expect(response.json).toMatchObject({ code: 'forbidden' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('caches key lookups: a second request with the same key does not read the table again', async () => {
    const financeKey = issueApiKey().apiKey;
    ddb.on(GetCommand).resolves({ Item: storedKey(financeKey, 'finance') });
    const event = apiEvent(route, { headers: { authorization: `Bearer ${financeKey}` }, body: '{"role":"finance"}' });
    await call(event);
    await call(event);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});

describe('HTTP adapter: bodies and validation', () => {
  const auth = { authorization: `Bearer ${adminKey}` };

  it('201 with the key shown once; stores only its hash, with the ApiKeyCreated event in the same transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const response = await call(apiEvent(route, { headers: auth, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(201);
    const apiKey = String(response.json?.apiKey);
    expect(apiKey).toMatch(/^xbk_[A-Za-z0-9_-]{43}$/);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => i.Put?.Item?.__edb_e__)).toEqual(['apiKey', 'outbox']);
    expect(items[0]?.Put?.ConditionExpression).toContain('attribute_not_exists');
    expect(JSON.stringify(items)).not.toContain(apiKey);
    expect(JSON.stringify(items)).toContain(hashApiKey(apiKey));
    const detail = JSON.parse(String(items[1]?.Put?.Item?.detail)) as { metadata: { correlationId: string }; data: { role: string } };
    expect(detail.data.role).toBe('finance');
    expect(detail.metadata.correlationId).toBe('req-test-1');
  });

  it('400 malformed_json', async () => {
    const response = await call(apiEvent(route, { headers: auth, body: '{"role":' }));
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'malformed_json' });
  });

  it('400 validation_failed lists the fields, in Chinese when asked', async () => {
    const response = await call(apiEvent(route, { headers: { ...auth, 'accept-language': 'zh-CN' }, body: '{"role":"admin"}' }));
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-language']).toBe('zh-CN');
    expect(response.json).toMatchObject({ code: 'validation_failed', title: '校验失败', errors: [{ path: 'role' }] });
  });

  it('413 payload_too_large over 256 KB, also when base64-encoded', async () => {
    const big = JSON.stringify({ role: 'finance', pad: 'x'.repeat(bodyLimitBytes) });
    for (const event of [
      apiEvent(route, { headers: auth, body: big }),
      apiEvent(route, { headers: auth, body: Buffer.from(big).toString('base64'), base64: true }),
    ]) {
      const response = await call(event);
      expect(response.statusCode).toBe(413);
      expect(response.json).toMatchObject({ code: 'payload_too_large' });
    }
  });

  it('500 without internals when the store fails', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceeded at arn:aws:dynamodb:secret-table'));
    const response = await call(apiEvent(route, { headers: auth, body: '{"role":"finance"}' }));
    expect(response.statusCode).toBe(500);
    expect(response.json).toMatchObject({ code: 'internal_error', status: 500 });
    expect(response.body).not.toMatch(/dynamodb|Provisioned|stack|at /i);
  });

  it('echoes a valid x-correlation-id and ignores an unsafe one', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const good = await call(apiEvent(route, { headers: { ...auth, 'x-correlation-id': 'flow-42' }, body: '{"role":"finance"}' }));
    expect(good.headers?.['x-correlation-id']).toBe('flow-42');
    const bad = await call(apiEvent(route, { headers: { ...auth, 'x-correlation-id': 'a b\n' }, body: '{"role":"finance"}' }));
    expect(bad.headers?.['x-correlation-id']).toBe('req-test-1');
  });

});
