/**
 * What bundles get for `http` and `node:http` (lib/bundling.ts aliases both here): Node's own
 * module, read as CommonJS. An ESM import of node:http makes Node build its namespace from
 * every export, and reading the WebSocket, CloseEvent and MessageEvent getters loads undici:
 * 17-20 ms of the cold start of every bundle that imports it (the Stripe SDK, the webhook
 * sender; decision 0050). `process.getBuiltinModule` is a call esbuild leaves alone, so the
 * alias cannot resolve to itself.
 */
module.exports = process.getBuiltinModule('node:http');
