/**
 * The house Lambda function: every default for a handler in one place
 * (runtime, architecture, tracing, log group, execution role, esbuild settings,
 * environment) and typed, least-privilege binders that grant access and set the
 * matching environment variable together, so a permission never exists without
 * the variable the code reads (and the other way round).
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { bundleAliases, bundleInject, bundling } from '../bundling.js';
import { projectRoot } from '../paths.js';


export const METRICS_NAMESPACE = 'xborder';

/**
 * Table actions per access level, on the table and its indexes. Narrower than
 * grantReadData/grantReadWriteData: no Scan (every access path is a key
 * lookup or Query, DESIGN "Data"), no stream reads (stream consumers get those
 * from their event source). TransactWriteItems/TransactGetItems need no
 * action of their own: IAM checks the Put/Update/Delete/ConditionCheck/Get inside.
 */
const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
} as const;

/**
 * KMS actions a function needs on a table's customer-managed key, spelled out (CDK's
 * table grants use `kms:ReEncrypt*` and `kms:GenerateDataKey*`; `table.grant()` adds
 * none at all). DynamoDB calls KMS on the caller's behalf, so the grant is limited to
 * requests that come through DynamoDB (`kms:ViaService`).
 */
const TABLE_KEY_ACTIONS = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
} as const;

export interface HouseFunctionProps {
  /** Handler module relative to the project root (the manifest's `entry`); it exports `handler`. */
  readonly entry: string;
  readonly stage: string;
  /** POWERTOOLS_SERVICE_NAME: the `service` key on every log line and metric. */
  readonly serviceName: string;
  readonly description?: string;
  /** @default 1024 (on Lambda, CPU scales with memory: more memory, faster cold starts) */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY (logs are not system-of-record data) */
  readonly logRemovalPolicy?: RemovalPolicy;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default none (the function scales up to the account's unreserved concurrency) */
  readonly reservedConcurrentExecutions?: number;
  /** Files copied beside the bundle: the name there -> the path in the project (the manifest's `files`). */
  readonly files?: Readonly<Record<string, string>>;
  /** @default true (false for the plain routes: the manifest's `sourceMap`) */
  readonly sourceMap?: boolean;
}

/** A file name beside the bundle: one plain segment (the manifest writes these; refused otherwise, never quoted into a shell). */
const shippedName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const projectPath = /^[A-Za-z0-9@][A-Za-z0-9@._/-]*$/;

/** The shell commands that copy a function's files beside its bundle (CDK runs them after esbuild). */
export const copyShippedFiles = (files: Readonly<Record<string, string>>, inputDir: string, outputDir: string): string[] =>
  Object.entries(files).map(([name, from]) => {
    if (!shippedName.test(name) || !projectPath.test(from) || from.split('/').includes('..')) {
      throw new Error(`shipped file ${name} <- ${from}: a plain name and a project path only`);
    }
    return `cp "${path.join(inputDir, from)}" "${path.join(outputDir, name)}"`;
  });

export class HouseFunction extends NodejsFunction {
  /** The execution role: what the binders grant to. */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    // An explicit log group (instead of the implicit /aws/lambda/<name> one) so
    // retention and removal are ours, not "never expire, never deleted".
    // It is a sibling of the function (nothing can be a child before super());
    // `this.logGroup` returns it.
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // Our own role instead of CDK's default one with the AWSLambdaBasicExecutionRole
    // managed policy (logs:CreateLogGroup/CreateLogStream/PutLogEvents on every log
    // group): this one may only write streams of its own log group, which exists already.
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName} (${props.stage})`,
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    // A bundle with a map gets the stack-trace installer injected (decision 0051).
    const sourceMap = props.sourceMap ?? bundling.sourcemap;

    super(scope, id, {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        STAGE: props.stage,
        ...props.environment,
      },
      bundling: {
        // Docker is not required: the esbuild in devDependencies bundles locally.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: bundling.target,
        minify: bundling.minify,
        sourceMap,
        inject: bundleInject(projectRoot, sourceMap),
        sourcesContent: bundling.sourcesContent,
        mainFields: [...bundling.mainFields],
        banner: bundling.banner,
        // CDK's esbuild runs with the project root as its working directory; absolute paths all the same.
        esbuildArgs: Object.fromEntries(Object.entries(bundleAliases(projectRoot)).map(([pkg, module]) => [`--alias:${pkg}`, module])),
        // Nothing is external, not even @aws-sdk/*: the SDK the runtime ships
        // changes under us without notice, while a bundled one is the version
        // the tests ran against (package-lock.json). Bundled, it is also
        // tree-shaken ESM, which loads faster than the runtime's full CJS copy.
        externalModules: [],
        ...(props.files
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => copyShippedFiles(props.files ?? {}, inputDir, outputDir),
              },
            }
          : {}),
      },
    });
    this.executionRole = role;
  }

  /**
   * Read (or read and write) item access to the table and the named indexes, and to
   * the table's customer-managed key if it has one; sets TABLE_NAME. The indexes are
   * listed by name: `table.grant()` would allow `<table>/index/*`.
   */
  bindTable(table: ITable, access: 'read' | 'write', indexNames: readonly string[]): this {
    const levels = access === 'read' ? (['read'] as const) : (['read', 'write'] as const);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: levels.flatMap((level) => TABLE_ACTIONS[level]),
        resources: [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
    if (table.encryptionKey) {
      const stack = Stack.of(this);
      this.addToRolePolicy(
        new PolicyStatement({
          actions: levels.flatMap((level) => TABLE_KEY_ACTIONS[level]),
          resources: [table.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.${stack.urlSuffix}` } },
        }),
      );
    }
    this.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /**
   * `events:PutEvents` on this bus only, and only for the given sources (the
   * `events:source` condition), so a function cannot impersonate another
   * bounded context. Sets EVENT_BUS_NAME.
   */
  bindBusPublisher(bus: IEventBus, sources: readonly string[]): this {
    if (sources.length === 0) throw new Error(`${this.node.path}: bindBusPublisher needs at least one source`);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': [...sources] } },
      }),
    );
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    return this;
  }

  /** Read access to one secret; its ARN goes in `<envName>_SECRET_ARN` (functions/shared/secrets.ts reads it). */
  bindSecret(envName: string, secret: ISecret): this {
    secret.grantRead(this);
    this.addEnvironment(`${envName}_SECRET_ARN`, secret.secretArn);
    return this;
  }
}
