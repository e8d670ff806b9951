/**
 * lib/bundling.ts aliases `@smithy/core/event-streams` to functions/shared/clients/no-event-streams.ts
 * (decision 0052). Built with the deploy settings and run in a fresh Node process: a bundle with
 * an SDK client imports, the SDK's lazy `import()` of its event-stream support resolves, and the
 * first use of what it imported (the marshaller provider, the serde) fails by name; without the
 * alias the same import loads the real module (what the stub stands in for).
 */
import { runProbeBundle } from '../../support/probe-bundle.js';

const probe = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ region: 'ap-southeast-1' });
const attempt = (use) => { try { use(); return 'worked'; } catch (error) { return error.message; } };
const { EventStreamSerde, eventStreamSerdeProvider } = await import('@smithy/core/event-streams');
console.log(JSON.stringify({
  client: typeof client.send,
  provider: attempt(() => eventStreamSerdeProvider({})),
  serde: attempt(() => new EventStreamSerde({ marshaller: {}, serializer: {}, deserializer: {} })),
}));
`;

const run = (alias: boolean) => runProbeBundle(probe, { alias });

const refusal = '@smithy/core/event-streams is not bundled: no client in this bundle should stream events (decision 0052)';

describe('the SDK’s event-stream support in a bundle', () => {
  it('is left out: the client works, the import resolves, and using it fails by name', async () => {
    expect(await run(true)).toEqual({ client: 'function', provider: refusal, serde: refusal });
  });

  it('without the alias, the same import loads the real module', async () => {
    expect(await run(false)).toEqual({ client: 'function', provider: 'worked', serde: 'worked' });
  });
});
