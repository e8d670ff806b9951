/** Loads manifest handlers and invokes them the way Lambda would (same event shapes, a Lambda-like context). */
import { AsyncLocalStorage } from 'node:async_hooks';
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

type InvocationContext = Record<string | symbol, unknown>;

/** The protected keys of Lambda's InvokeStore (`@aws/lambda-invoke-store`, read by Powertools). */
const requestIdKey = Symbol.for('_AWS_LAMBDA_REQUEST_ID');
const traceIdKey = Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID');

/**
 * The per-invocation store the Lambda Node.js runtime installs as `globalThis.awslambda.InvokeStore`
 * when one execution environment serves concurrent invocations (Lambda Managed Instances,
 * `AWS_LAMBDA_MAX_CONCURRENCY`). Powertools then keeps its logger's Lambda context and keys per
 * invocation instead of on the shared singleton. The local runtime serves every function in one
 * process concurrently, so it installs the same store: without it, concurrent invocations
 * overwrite each other's logger context (a stripeWebhook error logged as listAuditEvents).
 */
class LocalInvokeStore {
  private readonly als = new AsyncLocalStorage<InvocationContext>();
  getContext(): InvocationContext | undefined {
    return this.als.getStore();
  }
  hasContext(): boolean {
    return this.als.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return this.als.getStore()?.[key] as T | undefined;
  }
  set(key: string | symbol, value: unknown): void {
    const store = this.als.getStore();
    if (!store) throw new Error('No context available');
    if (key === requestIdKey || key === traceIdKey) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    store[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.als.run(context, fn);
  }
  getRequestId(): string {
    return this.get<string>(requestIdKey) ?? '-';
  }
  getXRayTraceId(): string | undefined {
    return this.get<string>(traceIdKey);
  }
  getTenantId(): string | undefined {
    return undefined;
  }
}

/** Installs the store once per process (kept if something installed one first) and turns on its use. */
const installInvokeStore = (): { run<T>(context: InvocationContext, fn: () => T): T } => {
  const global = globalThis as { awslambda?: { InvokeStore?: LocalInvokeStore } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore ??= new LocalInvokeStore();
  // Powertools scopes its state per invocation only while this variable is set (as Lambda sets it).
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  return global.awslambda.InvokeStore;
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
  const invokeStore = installInvokeStore();
  return async (functionName, event) => {
    const loaded = handlers.get(functionName);
    if (!loaded) throw new Error(`no function ${functionName} in the manifest`);
    const { handler, timeoutSeconds, secrets } = loaded;
    const context = lambdaContext(functionName, timeoutSeconds);
    return withTimeout(functionName, timeoutSeconds, () =>
      invokeStore.run({ [requestIdKey]: context.awsRequestId }, () =>
        localScope.run({ functionName, secrets }, () => handler(event, context)),
      ),
    );
  };
};
