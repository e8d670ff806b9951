import { defaultProvider } from '../../../functions/shared/clients/lambda-credentials.js';

// What deployed bundles use instead of the SDK's default chain (lib/bundling.ts aliases it).

const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of keys) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('Lambda credentials', () => {
  it("are the execution role's, from the variables Lambda sets", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';
    await expect(defaultProvider()()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('fail plainly where those variables are missing (no other source is looked for)', async () => {
    for (const k of keys) delete process.env[k];
    await expect(defaultProvider()()).rejects.toThrow(/environment variable/i);
  });
});
