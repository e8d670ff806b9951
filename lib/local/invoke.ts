/** Loads manifest handlers and invokes them the way Lambda would (same event shapes, a Lambda-like context). */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { localScope } from '../../functions/shared/local-scope.js';
import { defaultTimeoutSeconds, secretsOf, type Manifest, type SecretName } from '../manifest.js';
import { projectRoot } from '../paths.js';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;
export type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

/** What Lambda reports when a function runs past its timeout (`Task timed out after 10.00 seconds`). */
export class TaskTimedOutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    // Lambda's errorType for a timeout.
    this.name = 'Sandbox.Timedout';
  }
}

const lambdaContext = (functionName: string, timeoutSeconds: number): Context => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * Runs one invocation with the function's timeout (the manifest's, else `defaultTimeoutSeconds`,
 * as CDK deploys it): past it the invocation rejects with TaskTimedOutError, as on Lambda. Lambda
 * then freezes and discards the sandbox; a local handler cannot be stopped, so it runs on in the
 * background and whatever it settles with is ignored.
 */
const withTimeout = (functionName: string, timeoutSeconds: number, run: () => Promise<unknown>): Promise<unknown> => {
  const invocation = (async () => run())();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TaskTimedOutError(functionName, timeoutSeconds)), timeoutSeconds * 1000);
  });
  invocation.catch(() => undefined); // a late rejection must not become an unhandled one
  return Promise.race([invocation, timedOut]).finally(() => clearTimeout(timer));
};

/**
 * Imports every handler the manifest names (once), and returns an invoker by function name.
 * Each invocation runs in a local scope naming the secrets the manifest binds to the function
 * (functions/shared/local-scope.ts), so reading any other secret fails as it would on AWS.
 */
export const loadHandlers = async (manifest: Manifest): Promise<Invoke> => {
  const handlers = new Map<string, { handler: Handler; timeoutSeconds: number; secrets: ReadonlySet<SecretName> }>();
  for (const [name, spec] of Object.entries(manifest.functions)) {
    const module = (await import(pathToFileURL(join(projectRoot, spec.entry)).href)) as { handler?: Handler };
    if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
    handlers.set(name, {
      handler: module.handler,
      timeoutSeconds: spec.timeoutSeconds ?? defaultTimeoutSeconds,
      secrets: new Set(secretsOf(name, manifest)),
    });
  }
  return async (functionName, event) => {
    const loaded = handlers.get(functionName);
    if (!loaded) throw new Error(`no function ${functionName} in the manifest`);
    const { handler, timeoutSeconds, secrets } = loaded;
    return withTimeout(functionName, timeoutSeconds, () =>
      localScope.run({ functionName, secrets }, () => handler(event, lambdaContext(functionName, timeoutSeconds))),
    );
  };
};
