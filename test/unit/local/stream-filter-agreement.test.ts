import { streamFilterPattern } from '../../../lib/local/stream-poller.js';
import { manifest, type Manifest } from '../../../lib/manifest.js';
import { functionLogicalId, synthStage } from '../../infra/synth.js';

// The local poller filters stream records with the very pattern the CDK stack deploys as the
// event source mapping's FilterCriteria: both come from the manifest's stream filter.
const testManifest: Manifest = {
  ...manifest,
  streams: [
    ...manifest.streams,
    {
      name: 'FixtureTwoEntities',
      function: 'recordAudit',
      filter: { eventNames: ['INSERT', 'MODIFY'], entities: ['apiKey', 'merchant'] },
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      retryAttempts: 1,
    },
  ],
};

const { stateless } = synthStage(undefined, testManifest);

describe('stream filters: local poller and CDK agree', () => {
  it.each(testManifest.streams.map((s) => [s.name, s] as const))('%s', (_, stream) => {
    const mappings = Object.values(
      stateless.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: functionLogicalId(stateless, stream.function) } } }),
    ) as Array<{ Properties: { FilterCriteria: { Filters: Array<{ Pattern: string }> } } }>;
    const deployed = mappings.flatMap((m) => m.Properties.FilterCriteria.Filters.map((f) => JSON.parse(f.Pattern) as unknown));
    expect(deployed).toContainEqual(streamFilterPattern(stream));
  });
});
