import { ConfigError } from '../../../functions/shared/errors.js';
import { readSecret } from '../../../functions/shared/secrets.js';
import { loadHandlers, TaskTimedOutError, type Invoke } from '../../../lib/local/invoke.js';
import { defaultTimeoutSeconds, type Manifest } from '../../../lib/manifest.js';

// The local invoker behaves like Lambda where a handler could tell the difference: the
// function's timeout (the manifest's, else the same default CDK deploys), and only the
// secrets the manifest binds to the function.
const entry = 'test/unit/local/fixtures/probe-handler.ts';
const testManifest: Manifest = {
  functions: {
    plain: { entry, description: 'no timeout of its own, no secrets', table: 'none' },
    quick: { entry, description: 'a short timeout', table: 'none', timeoutSeconds: 0.2 },
    cursor: { entry, description: 'bound to cursorKey only', table: 'none', secrets: ['cursorKey'] },
    keyed: { entry, description: 'behind a keyed route: gets adminApiKey', table: 'none' },
  },
  routes: [{ method: 'GET', path: '/keyed', auth: ['admin'], function: 'keyed' }],
  rules: [],
  streams: [],
  schedules: [],
};

let invoke: Invoke;

beforeAll(async () => {
  process.env.CURSOR_KEY = 'cursor-secret';
  process.env.STRIPE_SECRET_KEY = 'sk_test_unit';
  process.env.ADMIN_API_KEY = 'admin-secret';
  invoke = await loadHandlers(testManifest);
});

describe('local invoke: timeout', () => {
  it(`defaults to the manifest's defaultTimeoutSeconds (${defaultTimeoutSeconds} s, as deployed)`, async () => {
    const { remainingMs } = (await invoke('plain', {})) as { remainingMs: number };
    expect(remainingMs).toBeLessThanOrEqual(defaultTimeoutSeconds * 1000);
    expect(remainingMs).toBeGreaterThan(defaultTimeoutSeconds * 1000 - 1000);
  });

  it('rejects an invocation that runs past its timeout with Task timed out, as Lambda reports it', async () => {
    const started = Date.now();
    const outcome = invoke('quick', { sleepMs: 800 });
    await expect(outcome).rejects.toThrow(TaskTimedOutError);
    await expect(outcome).rejects.toThrow('Task timed out after 0.20 seconds');
    expect(Date.now() - started).toBeLessThan(700);
    // The abandoned handler runs on locally; let it finish (its result goes nowhere).
    await new Promise((resolve) => setTimeout(resolve, 900 - (Date.now() - started)));
    // Within its timeout, the result comes back as usual.
    await expect(invoke('quick', { sleepMs: 10 })).resolves.toMatchObject({ remainingMs: expect.any(Number) });
  });
});

describe('local invoke: secrets are scoped to what the manifest binds', () => {
  it('lets a function read a secret bound to it', async () => {
    await expect(invoke('cursor', { secret: 'cursorKey' })).resolves.toMatchObject({ secret: 'cursor-secret' });
    await expect(invoke('keyed', { secret: 'adminApiKey' })).resolves.toMatchObject({ secret: 'admin-secret' });
  });

  it.each([
    ['cursor', 'stripeSecretKey'],
    ['cursor', 'adminApiKey'],
    ['plain', 'cursorKey'],
    ['keyed', 'stripeWebhookSecret'],
  ] as const)('refuses %s reading unbound %s (ConfigError), though its value is in the environment', async (fn, secret) => {
    await expect(invoke(fn, { secret })).rejects.toThrow(ConfigError);
    await expect(invoke(fn, { secret })).rejects.toThrow(/does not bind/);
  });

  it('leaves readSecret as it was outside a local invocation (on AWS nothing sets the scope)', async () => {
    await expect(readSecret('stripeSecretKey')).resolves.toBe('sk_test_unit');
  });
});
