import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { request as httpRequest } from 'node:http';
import { jest } from '@jest/globals';
import { DeadLetterStore } from '../../../lib/local/dead-letters.js';
import { entrySize, LocalEventBus, putEventsLimits } from '../../../lib/local/event-bus.js';
import { manifest } from '../../../lib/manifest.js';

// The local bus speaks PutEvents to the real SDK client: whatever a request holds, it answers
// like EventBridge (per-entry errors, or the whole call refused) and never takes the process down.
let bus: LocalEventBus;
let url: string;

const putRaw = async (body: string): Promise<{ status: number; json: Record<string, unknown> }> => {
  const reply = await fetch(url, {
    method: 'POST',
    headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
    body,
  });
  return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
};

const entry = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  Source: 'xborder.test',
  DetailType: 'Tested',
  Detail: '{"ok":true}',
  ...overrides,
});

beforeAll(async () => {
  bus = new LocalEventBus({
    busName: 'test-bus',
    manifest,
    deadLetters: new DeadLetterStore(),
    invoke: async () => undefined,
  });
  url = await bus.listen();
});

afterAll(async () => {
  await bus.close();
});

describe('local event bus: odd PutEvents input', () => {
  it('answers an invalid Time per entry (InvalidArgument) and accepts the valid entries of the same call', async () => {
    const { status, json } = await putRaw(
      JSON.stringify({ Entries: [entry({ Time: 'not a date' }), entry({ Time: 1e20 }), entry({ Time: {} }), entry({ Time: 1_790_000_000 })] }),
    );
    expect(status).toBe(200);
    expect(json.FailedEntryCount).toBe(3);
    const results = json.Entries as Array<Record<string, string>>;
    expect(results.slice(0, 3).map((r) => r.ErrorCode)).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument']);
    expect(results[3]?.EventId).toEqual(expect.any(String));
    expect(bus.recent().at(-1)?.time).toBe(new Date(1_790_000_000_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });

  it.each([['[]'], ['"text"'], ['42'], ['null'], ['{"unterminated"']])('refuses Detail %s (MalformedDetail: not a JSON object)', async (detail) => {
    const { json } = await putRaw(JSON.stringify({ Entries: [entry({ Detail: detail })] }));
    expect(json).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail' }] });
  });

  it.each([
    ['a null entry', [null]],
    ['a number entry', [5]],
    ['a numeric Source', [entry({ Source: 7 })]],
    ['a missing DetailType', [entry({ DetailType: undefined })]],
    ['Resources that are not strings', [entry({ Resources: [1] })]],
  ])('answers %s with InvalidArgument', async (_, entries) => {
    const { status, json } = await putRaw(JSON.stringify({ Entries: entries }));
    expect(status).toBe(200);
    expect(json).toMatchObject({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument' }] });
  });

  it.each([['null'], ['{"Entries":5}'], ['{"Entries":[]}'], ['[]']])('refuses the whole call for body %s (ValidationException)', async (body) => {
    const { status, json } = await putRaw(body);
    expect(status).toBe(400);
    expect(json.__type).toBe('ValidationException');
  });

  it('survives a client that hangs up in the middle of a request', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"Entries":[');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    const { status } = await putRaw(JSON.stringify({ Entries: [entry()] }));
    expect(status).toBe(200);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('[bus] request failed'));
    logged.mockRestore();
  });
});

describe('local event bus: EventBridge limits (through the real SDK client)', () => {
  let client: EventBridgeClient;
  beforeAll(() => {
    client = new EventBridgeClient({ endpoint: url, region: 'local', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
  });
  afterAll(() => client.destroy());
  const send = (entries: PutEventsRequestEntry[]) => client.send(new PutEventsCommand({ Entries: entries }));
  const sdkEntry = (detail = '{"ok":true}'): PutEventsRequestEntry => ({ Source: 'xborder.test', DetailType: 'Tested', Detail: detail, Time: new Date() });

  it('refuses more than ten entries in one call, accepting none of them', async () => {
    const before = bus.recent().length;
    await expect(send(Array.from({ length: 11 }, () => sdkEntry()))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(bus.recent().length).toBe(before);
    const ten = await send(Array.from({ length: 10 }, () => sdkEntry()));
    expect(ten.FailedEntryCount).toBe(0);
  });

  it('refuses a call whose entries total 256 KB or more (EventBridge entry size), accepting none of them', async () => {
    const fixed = entrySize(sdkEntry('{"p":""}'));
    expect(fixed).toBe(14 + 'xborder.test'.length + 'Tested'.length + '{"p":""}'.length);
    // Two entries, multi-byte padding: sized in UTF-8 bytes, not characters.
    const padFor = (bytes: number) => '字'.repeat(Math.floor(bytes / 3)) + 'x'.repeat(bytes % 3);
    const half = putEventsLimits.totalEntryBytesBelow / 2 - fixed;
    const atLimit = [sdkEntry(`{"p":"${padFor(half)}"}`), sdkEntry(`{"p":"${padFor(half)}"}`)];
    expect(atLimit.reduce((sum, e) => sum + entrySize(e), 0)).toBe(putEventsLimits.totalEntryBytesBelow);
    const before = bus.recent().length;
    await expect(send(atLimit)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('Total size') });
    expect(bus.recent().length).toBe(before);

    const underLimit = [sdkEntry(`{"p":"${padFor(half)}"}`), sdkEntry(`{"p":"${padFor(half - 1)}"}`)];
    expect((await send(underLimit)).FailedEntryCount).toBe(0);
  });
});
