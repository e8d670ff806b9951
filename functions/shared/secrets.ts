import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { secretEnv, type SecretName } from './contracts.js';
import { ConfigError } from './errors.js';
import { localScope } from './local-scope.js';

const cacheSeconds = 300;

/**
 * A secret's value. Locally the value is in the environment variable the manifest names;
 * on AWS `<NAME>_SECRET_ARN` names a Secrets Manager secret, read through Powertools
 * parameters (cached for five minutes, so rotation is picked up without a deploy).
 *
 * Locally the invoker runs each invocation in a scope naming the function's bound secrets
 * (local-scope.ts): a secret the manifest does not bind to it is refused, as IAM would on AWS.
 *
 * Powertools parameters is imported statically: in a bundle, an `import()` of it made esbuild
 * wrap some 200 SDK modules it shares with the DynamoDB client in lazy initializers, which
 * cost more at cold start than loading it (decision 0052); a keyed function reads a secret
 * on its first request anyway.
 */
export const readSecret = async (name: SecretName): Promise<string> => {
  const scope = localScope.getStore();
  if (scope && !scope.secrets.has(name)) {
    throw new ConfigError(`${scope.functionName} reads secret ${name}, which the manifest does not bind to it (secretsOf)`);
  }
  const envName = secretEnv[name];
  const direct = process.env[envName];
  if (direct) return direct;
  const arn = process.env[`${envName}_SECRET_ARN`];
  if (!arn) throw new ConfigError(`neither ${envName} nor ${envName}_SECRET_ARN is set`);
  const value = await getSecret(arn, { maxAge: cacheSeconds });
  if (typeof value !== 'string' || value === '') throw new ConfigError(`secret for ${envName} is empty or binary`);
  return value;
};
