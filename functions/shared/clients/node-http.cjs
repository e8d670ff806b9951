/**
 * What bundles get for `http` and `node:http` (lib/bundling.ts aliases both here): Node's own
 * module, read as CommonJS. An ESM import of node:http makes Node build its namespace from
 * every export, and reading the WebSocket, CloseEvent and MessageEvent getters loads undici:
 * about 40 ms of a cold start for the Stripe SDK's and the webhook sender's import (decision
 * 0050). `process.getBuiltinModule` is a call esbuild leaves alone, so the alias cannot loop.
 */
module.exports = process.getBuiltinModule('node:http');
