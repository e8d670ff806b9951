/**
 * The AWS SDK's credentials in a deployed bundle: lib/bundling.ts aliases
 * `@aws-sdk/credential-provider-node` (the SDK's default chain) to this module.
 *
 * Lambda hands every function its execution role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which is the first link of the default chain and
 * the one that answers on Lambda. The rest of the chain (SSO and its token clients, ini files,
 * web identity, credential processes, container and instance metadata) cannot apply there, and
 * importing it cost every cold start about 26 ms and every bundle 128 KB (decision 0049).
 *
 * Run from source (`npm start`, jest), nothing is aliased: the SDK's full chain, as ever.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { defaultProvider as sdkDefaultProvider } from '@aws-sdk/credential-provider-node';

export const defaultProvider: typeof sdkDefaultProvider = (init = {}) => fromEnv(init);
