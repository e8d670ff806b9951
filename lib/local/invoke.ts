/** Loads manifest handlers and invokes them the way Lambda would (same event shapes, a Lambda-like context). */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { Manifest } from '../manifest.js';
import { projectRoot } from '../paths.js';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;
export type Invoke = (functionName: string, event: unknown) => Promise<unknown>;

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

/** Imports every handler the manifest names (once), and returns an invoker by function name. */
export const loadHandlers = async (manifest: Manifest): Promise<Invoke> => {
  const handlers = new Map<string, Handler>();
  for (const [name, spec] of Object.entries(manifest.functions)) {
    const module = (await import(pathToFileURL(join(projectRoot, spec.entry)).href)) as { handler?: Handler };
    if (typeof module.handler !== 'function') throw new Error(`${spec.entry} does not export a handler`);
    handlers.set(name, module.handler);
  }
  return async (functionName, event) => {
    const handler = handlers.get(functionName);
    if (!handler) throw new Error(`no function ${functionName} in the manifest`);
    const timeout = manifest.functions[functionName]?.timeoutSeconds ?? 29;
    return handler(event, lambdaContext(functionName, timeout));
  };
};
