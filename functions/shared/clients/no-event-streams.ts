/**
 * What bundles get for `@smithy/core/event-streams` (lib/bundling.ts aliases it here, decision
 * 0052). The SDK's protocol code imports event-stream support with `import()` on the first
 * event-stream operation, and a bundled `import()` makes esbuild wrap every module that target
 * shares with the rest of the SDK in a lazy initializer, about 160 modules that then run as
 * functions at every cold start. No client these bundles carry has an event-stream operation
 * (the bundles test checks). Should one ever run, the SDK's first use of what it imported from
 * here fails by name, rather than with a missing module; importing it, even statically, does not.
 */
const unbundled = (): never => {
  throw new Error('@smithy/core/event-streams is not bundled: no client in this bundle should stream events (decision 0052)');
};

/** The SDK builds one per client to (de)serialize event streams: here it refuses. */
export class EventStreamSerde {
  constructor() {
    unbundled();
  }
}

/** The SDK asks it for an event-stream marshaller: here it refuses. */
export const eventStreamSerdeProvider = (): never => unbundled();
