/**
 * What bundles get for `@smithy/core/event-streams` (lib/bundling.ts aliases it here, decision
 * 0052). The SDK's protocol code imports event-stream support with `import()` on the first
 * event-stream operation, and a bundled `import()` makes esbuild wrap every module that target
 * shares with the rest of the SDK in a lazy initializer, about 160 modules that then run as
 * functions at every cold start. No client these bundles carry has an event-stream operation
 * (the bundles test checks), so the import stays unreachable; if one ever runs, it fails here,
 * by name, rather than with a missing module.
 */
throw new Error('@smithy/core/event-streams is not bundled: no client in this bundle should stream events (decision 0052)');
