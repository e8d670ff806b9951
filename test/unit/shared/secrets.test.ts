/**
 * readSecret on AWS: `<NAME>_SECRET_ARN` names a Secrets Manager secret, read through Powertools
 * parameters and kept for five minutes (Secrets Manager mocked; the value never sits in the
 * environment). Locally the value is the environment variable itself.
 */
import { jest } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../../functions/shared/errors.js';
import { readSecret } from '../../../functions/shared/secrets.js';

const arn = 'arn:aws:secretsmanager:ap-southeast-1:111111111111:secret:admin-key-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
const saved = { ...process.env };

beforeEach(() => {
  secretsManager.reset();
  clearCaches();
  delete process.env.ADMIN_API_KEY;
  process.env.ADMIN_API_KEY_SECRET_ARN = arn;
  process.env.AWS_REGION = 'ap-southeast-1';
});
afterAll(() => {
  process.env = saved;
  secretsManager.restore();
});

afterEach(() => jest.restoreAllMocks());

it('reads the secret its ARN names, once per five minutes (a rotated value is read after that)', async () => {
  secretsManager.on(GetSecretValueCommand, { SecretId: arn }).resolvesOnce({ SecretString: 'sk_admin_before' }).resolves({ SecretString: 'sk_admin_rotated' });
  const readAt = Date.now();
  expect(await readSecret('adminApiKey')).toBe('sk_admin_before');
  jest.spyOn(Date, 'now').mockReturnValue(readAt + 299_000);
  expect(await readSecret('adminApiKey')).toBe('sk_admin_before');
  expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  jest.spyOn(Date, 'now').mockReturnValue(readAt + 301_000);
  expect(await readSecret('adminApiKey')).toBe('sk_admin_rotated');
  expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
});

it.each([
  ['empty', { SecretString: '' }],
  ['binary', { SecretBinary: new TextEncoder().encode('sk_admin_as_bytes') }],
])('refuses an %s secret, by name', async (_kind, answer) => {
  secretsManager.on(GetSecretValueCommand).resolves(answer);
  await expect(readSecret('adminApiKey')).rejects.toThrow(new ConfigError('secret for ADMIN_API_KEY is empty or binary'));
});

it('prefers a plain value in the environment (the local runtime) and then calls nothing', async () => {
  process.env.ADMIN_API_KEY = 'sk_admin_local';
  expect(await readSecret('adminApiKey')).toBe('sk_admin_local');
  expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
});

it('without either setting, says which it needs', async () => {
  delete process.env.ADMIN_API_KEY_SECRET_ARN;
  await expect(readSecret('adminApiKey')).rejects.toThrow('neither ADMIN_API_KEY nor ADMIN_API_KEY_SECRET_ARN is set');
});
