/**
 * lib/bundling.ts aliases `@smithy/core/event-streams` to functions/shared/clients/no-event-streams.ts
 * (decision 0052). Built with the deploy settings and run in a fresh Node process: a bundle with
 * an SDK client imports, and the SDK's lazy `import()` of its event-stream support fails by
 * name; without the alias the same import loads the real module (what the stub stands in for).
 */
import { runProbeBundle } from '../../support/probe-bundle.js';

const probe = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({ region: 'ap-southeast-1' });
const eventStreams = await import('@smithy/core/event-streams').then(
  (module) => ({ loaded: typeof module.EventStreamSerde }),
  (error) => ({ failed: error.message }),
);
console.log(JSON.stringify({ client: typeof client.send, eventStreams }));
`;

const run = (alias: boolean) => runProbeBundle(probe, { alias });

describe('the SDK’s event-stream support in a bundle', () => {
  it('is left out: the client works, and importing event streams fails by name', async () => {
    expect(await run(true)).toEqual({
      client: 'function',
      eventStreams: { failed: '@smithy/core/event-streams is not bundled: no client in this bundle should stream events (decision 0052)' },
    });
  });

  it('without the alias, the same import loads the real module', async () => {
    expect(await run(false)).toEqual({ client: 'function', eventStreams: { loaded: 'function' } });
  });
});
