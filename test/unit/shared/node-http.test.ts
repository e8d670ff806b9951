/**
 * lib/bundling.ts aliases `http` and `node:http` to functions/shared/clients/node-http.cjs
 * (decision 0050): a bundle gets Node's own module without the ESM namespace that loads undici.
 * Built with the deploy settings and run in a fresh Node process, the import styles the Stripe
 * SDK and the webhook sender use get the real module, and undici stays unloaded at import.
 */
import { runProbeBundle } from '../../support/probe-bundle.js';

const probe = `
import * as namespace from 'http';
import byDefault, { request, STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
const real = createRequire(import.meta.url)('node:http');
const http = namespace.default || namespace; // the Stripe SDK's form
const agent = new http.Agent({ keepAlive: true });
console.log(JSON.stringify({
  undiciAtImport: process.moduleLoadList.some((m) => m.includes('undici')),
  namespace: http === real,
  byDefault: byDefault === real,
  request: request === real.request,
  agent: agent instanceof real.Agent,
  notFound: STATUS_CODES[404],
}));
`;

const run = (alias: boolean) => runProbeBundle(probe, { alias });

describe('node:http in a bundle', () => {
  it('is Node’s own module in every import style, and importing it loads no undici', async () => {
    expect(await run(true)).toEqual({ undiciAtImport: false, namespace: true, byDefault: true, request: true, agent: true, notFound: 'Not Found' });
  });

  it('without the alias, the ESM import loads undici (what the alias is for)', async () => {
    expect(await run(false)).toMatchObject({ undiciAtImport: true, request: true });
  });
});
