/**
 * The synthesized stacks match the manifest and the table definition, and
 * follow the house rules (runtime, tracing, DLQs, least privilege). Every
 * expectation is derived from lib/manifest.ts or lib/table.ts, so adding a
 * route, rule or stream without wiring it correctly fails here.
 */
import { isDeepStrictEqual } from 'node:util';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { eventSources } from '../../events/catalogue.js';
import { stackName } from '../../lib/app.js';
import { stages } from '../../lib/config/stages.js';
import {
  consumerRetryAttempts,
  defaultRoutePath,
  manifest,
  routeKey,
  secretEnv,
  secretsOf,
  type Manifest,
} from '../../lib/manifest.js';
import { keyAttributes, tableDefinition } from '../../lib/table.js';
import { API_URL_OUTPUT, fromNestedOutput, functionLogicalId, functionLogicalIds, inParent, synthStage } from './synth.js';
import { actionsOf, arnOf, at, isRecord, propertiesOf, resourcesOf, roleStatements, statementsIn } from './templates.js';

// Synthesized once per file (bundling skipped): Prepare.
const dev = synthStage(stages.dev);
const functionNames = Object.keys(manifest.functions);

/** Functions that EventBridge rules or Scheduler schedules invoke asynchronously, once each. */
const asyncTargetsOf = (m: Manifest): string[] => [
  ...new Set([...m.rules.map((rule) => rule.target), ...m.schedules.map((schedule) => schedule.function)]),
];

// Template assertions under `expect*` names (the lint rule jest/expect-expect knows them).
const expectResourceProperties = (template: Template, type: string, props: unknown): void =>
  template.hasResourceProperties(type, props);
const expectResource = (template: Template, type: string, resource: unknown): void =>
  template.hasResource(type, resource);

/** The one resource of `type` matching `props`: its logical id and Properties. */
const single = (template: Template, type: string, props: Record<string, unknown>) => {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  const [logicalId, resource] = found[0]!;
  return { logicalId, properties: propertiesOf(resource) };
};

/**
 * The function's one EventInvokeConfig retries `consumerRetryAttempts` times, then
 * sends the event to an SSE, TLS-only SQS queue its role may send to. Returns that queue's logical id.
 */
const expectAsyncFailureQueue = (template: Template, fnName: string): string => {
  const { properties } = single(template, 'AWS::Lambda::EventInvokeConfig', {
    FunctionName: { Ref: functionLogicalId(template, fnName) },
  });
  expect(properties).toMatchObject({
    Qualifier: '$LATEST',
    MaximumRetryAttempts: consumerRetryAttempts,
    MaximumEventAgeInSeconds: 6 * 3600,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
  });
  const destination = JSON.stringify(properties.DestinationConfig).match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/)?.[1] ?? '';
  expect(template.findResources('AWS::SQS::Queue')[destination]).toMatchObject({
    Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
  });
  const sends = roleStatements(template, fnName).filter(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).includes('sqs:SendMessage') &&
      resourcesOf(s).some((r) => isDeepStrictEqual(r, arnOf(destination))),
  );
  expect(sends).not.toHaveLength(0);
  return destination;
};

describe('stateful stack', () => {
  it('builds the table from tableDefinition', () => {
    expectResourceProperties(dev.stateful, 'AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(keyAttributes().map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      GlobalSecondaryIndexes: Match.arrayEquals(
        tableDefinition.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      ),
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: tableDefinition.streamViewType },
    });
  });

  it('takes removal policy and point-in-time recovery from the stage', () => {
    const prod = synthStage(stages.prod);
    expectResource(prod.stateful, 'AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    });
    expectResource(dev.stateful, 'AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }),
    });
  });

  it('creates the stage event bus', () => {
    expectResourceProperties(dev.stateful, 'AWS::Events::EventBus', { Name: `xborder-${stages.dev.name}` });
  });

  it.each(Object.entries(secretEnv))('generates the %s secret (%s)', (_name, envName) => {
    expectResourceProperties(dev.stateful, 'AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp(envName),
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
  });
});

describe('stateless stack: functions', () => {
  it('has a function for every manifest function and nothing else', () => {
    expect([...functionLogicalIds(dev.stateless).keys()].sort()).toEqual([...functionNames].sort());
  });

  it.each(functionNames)('%s runs on Node.js 24, arm64, traced, with a retained log group, without --enable-source-maps', (name) => {
    const fnId = functionLogicalId(dev.stateless, name);
    const fn = dev.stateless.findResources('AWS::Lambda::Function')[fnId];
    expect(fn).toMatchObject({
      Properties: {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        Environment: {
          Variables: { STAGE: stages.dev.name, POWERTOOLS_SERVICE_NAME: name },
        },
      },
    });
    // Node would read every source map at each cold start; stacks are mapped on first use (decision 0051).
    expect(JSON.stringify(fn)).not.toContain('enable-source-maps');
    const logGroupRef: unknown = isRecord(fn) && isRecord(fn.Properties) && isRecord(fn.Properties.LoggingConfig)
      ? fn.Properties.LoggingConfig.LogGroup
      : undefined;
    expect(logGroupRef).toEqual({ Ref: expect.any(String) });
    const logGroupId = isRecord(logGroupRef) ? String(logGroupRef.Ref) : '';
    expect(dev.stateless.findResources('AWS::Logs::LogGroup')[logGroupId]).toMatchObject({
      Properties: { RetentionInDays: expect.any(Number) },
    });
  });

  it.each(functionNames)('%s gets exactly the environment its manifest entry implies', (name) => {
    const spec: Manifest['functions'][string] | undefined = manifest.functions[name as keyof typeof manifest.functions];
    const fn = dev.stateless.findResources('AWS::Lambda::Function')[functionLogicalId(dev.stateless, name)];
    const variables: unknown = isRecord(fn) && isRecord(fn.Properties) && isRecord(fn.Properties.Environment)
      ? fn.Properties.Environment.Variables
      : undefined;
    const keys = isRecord(variables) ? Object.keys(variables) : [];
    expect(keys.includes('TABLE_NAME')).toBe(spec?.table !== 'none');
    expect(keys.includes('EVENT_BUS_NAME')).toBe(spec?.publishes !== undefined);
    const secretVars = keys.filter((key) => key.endsWith('_SECRET_ARN')).sort();
    expect(secretVars).toEqual(secretsOf(name).map((secret) => `${secretEnv[secret]}_SECRET_ARN`).sort());
  });
});

describe('stateless stack: HTTP API (its nested API stack)', () => {
  it.each(manifest.routes.map((route) => [routeKey(route), route.function] as const))(
    '%s reaches %s',
    (key, fnName) => {
      const route = single(dev.api, 'AWS::ApiGatewayV2::Route', { RouteKey: key });
      // `METHOD /path`, or just `$default` for the catch-all.
      expect(route.properties.RouteKey).toBe(key);
      // No API Gateway authorizer: the function checks the route's `auth`.
      expect(route.properties.AuthorizationType).toBe('NONE');
      const target = route.properties.Target;
      expect(target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: expect.any(String) }]] });
      const integrationId = JSON.stringify(target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
      const integration = propertiesOf(dev.api.findResources('AWS::ApiGatewayV2::Integration')[integrationId]);
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY' });
      // The function lives in the parent stack: the nested stack receives its ARN as a parameter.
      expect(inParent(dev, integration.IntegrationUri)).toEqual(arnOf(functionLogicalId(dev.stateless, fnName)));
    },
  );

  it('has no route the manifest does not list', () => {
    const keys = Object.values(dev.api.findResources('AWS::ApiGatewayV2::Route')).map((r) =>
      isRecord(r) && isRecord(r.Properties) ? r.Properties.RouteKey : undefined,
    );
    expect(keys.sort()).toEqual(manifest.routes.map(routeKey).sort());
  });

  it('makes the manifest catch-all the API $default route, and ANY on a path an ANY route', () => {
    const m: Manifest = {
      ...manifest,
      routes: [
        { method: 'ANY', path: defaultRoutePath, auth: 'public', function: 'health' },
        { method: 'ANY', path: '/v1/anything/{id}', auth: ['admin'], function: 'health' },
      ],
    };
    const keys = Object.values(synthStage(stages.dev, m).api.findResources('AWS::ApiGatewayV2::Route')).map((r) =>
      isRecord(r) && isRecord(r.Properties) ? r.Properties.RouteKey : undefined,
    );
    expect(keys.sort()).toEqual(['$default', 'ANY /v1/anything/{id}']);
  });

  it('throttles the $default stage with the stage config, without CORS', () => {
    expectResourceProperties(dev.api, 'AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: stages.dev.apiThrottle.rateLimit,
        ThrottlingBurstLimit: stages.dev.apiThrottle.burstLimit,
      },
    });
    expectResourceProperties(dev.api, 'AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });

  it('outputs the API URL', () => {
    const api = single(dev.api, 'AWS::ApiGatewayV2::Api', {});
    const output = dev.stateless.findOutputs(API_URL_OUTPUT)[API_URL_OUTPUT];
    expect(output).toMatchObject({ Value: { 'Fn::Join': ['', expect.arrayContaining(['https://'])] } });
    // The API id comes out of the nested API stack as an output of that stack.
    const join: unknown = at(output, 'Value', 'Fn::Join');
    const parts: unknown = Array.isArray(join) ? join[1] : undefined;
    const resolved = (Array.isArray(parts) ? parts : []).map((part: unknown) => fromNestedOutput(dev, part));
    expect(resolved).toEqual(expect.arrayContaining(['https://', { Ref: api.logicalId }]));
  });
});

describe('stateless stack: asynchronous wiring', () => {
  it.each(manifest.rules.map((rule) => [rule.name, rule] as const))('rule %s', (_name, rule) => {
    const { properties } = single(dev.stateless, 'AWS::Events::Rule', {
      EventPattern: { source: [...rule.source], 'detail-type': [...rule.detailTypes] },
    });
    expect(properties.EventBusName).toBeDefined();
    expect(properties.Targets).toEqual([
      expect.objectContaining({
        Arn: arnOf(functionLogicalId(dev.stateless, rule.target)),
        RetryPolicy: { MaximumRetryAttempts: rule.retryAttempts, MaximumEventAgeInSeconds: rule.maxEventAgeSeconds },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      }),
    ]);
  });

  it.each(manifest.streams.map((stream) => [stream.name, stream] as const))('stream consumer %s', (_name, stream) => {
    const { properties } = single(dev.stateless, 'AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionLogicalId(dev.stateless, stream.function) },
    });
    expect(properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: stream.batchSize,
      MaximumBatchingWindowInSeconds: stream.maxBatchingWindowSeconds,
      MaximumRetryAttempts: stream.retryAttempts,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
    });
    const filters: unknown = isRecord(properties.FilterCriteria) ? properties.FilterCriteria.Filters : undefined;
    const patterns = Array.isArray(filters)
      ? filters.map((f: unknown) => (isRecord(f) && typeof f.Pattern === 'string' ? (JSON.parse(f.Pattern) as unknown) : undefined))
      : [];
    expect(patterns).toEqual([
      {
        eventName: [...stream.filter.eventNames],
        dynamodb: { NewImage: { [tableDefinition.entityAttribute]: { S: [...stream.filter.entities] } } },
      },
    ]);
  });

  it.each(asyncTargetsOf(manifest))(
    '%s (a rule or schedule target) retries consumerRetryAttempts times, then sends to its own failure queue',
    (fnName) => {
      expectAsyncFailureQueue(dev.stateless, fnName);
    },
  );

  it('gives each asynchronously invoked function its own failure queue, and no other function any', () => {
    const targets = asyncTargetsOf(manifest);
    const queues = targets.map((fnName) => expectAsyncFailureQueue(dev.stateless, fnName));
    expect(new Set(queues).size).toBe(targets.length);
    expect(Object.keys(dev.stateless.findResources('AWS::Lambda::EventInvokeConfig'))).toHaveLength(targets.length);
  });

  it('gives every dead-letter and failure queue encryption, TLS only and 14 days', () => {
    const queues = dev.stateless.findResources('AWS::SQS::Queue');
    const expected =
      manifest.rules.length + manifest.streams.length + manifest.schedules.length + asyncTargetsOf(manifest).length + 3 * (manifest.queues?.length ?? 0); // a queue: itself, its DLQ, its feed rule's DLQ
    expect(Object.keys(queues)).toHaveLength(expected);
    for (const id of Object.keys(queues)) {
      expect(queues[id]).toMatchObject({ Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 } });
      expectResourceProperties(dev.stateless, 'AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('builds an EventBridge Scheduler schedule with retries and a DLQ', () => {
    // The project has no schedule yet: wire one onto an existing function.
    const schedule = {
      name: 'Nightly',
      description: 'test schedule',
      expression: 'cron(0 2 * * ? *)',
      timezone: 'Asia/Shanghai',
      function: functionNames[0] ?? 'health',
      input: { reason: 'nightly' },
    };
    const withSchedule = synthStage(stages.dev, { ...manifest, schedules: [schedule] });
    expectResourceProperties(withSchedule.stateless, 'AWS::Scheduler::Schedule', {
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      Target: Match.objectLike({
        Arn: arnOf(functionLogicalId(withSchedule.stateless, schedule.function)),
        Input: JSON.stringify(schedule.input),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: Match.anyValue() }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
      }),
    });
    expectAsyncFailureQueue(withSchedule.stateless, schedule.function);
  });

  it('configures a function targeted by both a rule and a schedule once', () => {
    const fnName = 'health';
    const shared = synthStage(stages.dev, {
      ...manifest,
      rules: [
        {
          name: 'Shared',
          source: [eventSources.platform],
          detailTypes: ['ApiKeyCreated'],
          target: fnName,
          retryAttempts: 1,
          maxEventAgeSeconds: 60,
        },
      ],
      schedules: [{ name: 'Shared', description: 'test', expression: 'rate(1 hour)', timezone: 'UTC', function: fnName }],
    });
    expectAsyncFailureQueue(shared.stateless, fnName);
    expect(Object.keys(shared.stateless.findResources('AWS::Lambda::EventInvokeConfig'))).toHaveLength(1);
  });
});

describe('least privilege', () => {
  const publishers = Object.entries(manifest.functions).filter(([, spec]) => 'publishes' in spec);

  it.each(publishers.map(([name, spec]) => [name, 'publishes' in spec ? spec.publishes : []] as const))(
    '%s may put events on the bus only, for its own sources',
    (name, sources) => {
      const puts = roleStatements(dev.stateless, name).filter((s) => actionsOf(s).includes('events:PutEvents'));
      expect(puts).toEqual([
        {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::ImportValue': expect.stringMatching(/Bus/) },
          Condition: { StringEquals: { 'events:source': [...sources] } },
        },
      ]);
    },
  );

  it('lets no other function put events', () => {
    const others = functionNames.filter((name) => !publishers.some(([p]) => p === name));
    for (const name of others) {
      expect(roleStatements(dev.stateless, name).flatMap(actionsOf)).not.toContain('events:PutEvents');
    }
  });

  it('never grants Scan on the table', () => {
    for (const template of [dev.stateless, dev.api, dev.monitoring]) {
      expect(statementsIn(template.toJSON()).flatMap(actionsOf)).not.toContain('dynamodb:Scan');
    }
  });

  it('allows no wildcard action in either stack', () => {
    // Deny statements may use `sqs:*` (enforceSSL denies every action without TLS).
    const allowed = [dev.stateful, dev.stateless, dev.api, dev.monitoring]
      .flatMap((template) => statementsIn(template.toJSON()))
      .filter((statement) => statement.Effect === 'Allow');
    expect(allowed.length).toBeGreaterThan(0); // the walker does find the statements
    const wildcards = allowed.flatMap(actionsOf).filter((action) => action === '*' || action.endsWith(':*'));
    expect(wildcards).toEqual([]);
  });
});

describe('app', () => {
  it('names the stacks Xborder-<stage>-Stateful / -Stateless', () => {
    expect(dev.stacks.stateful.stackName).toBe(stackName(stages.dev.name, 'Stateful'));
    expect(dev.stacks.stateless.stackName).toBe(`Xborder-${stages.dev.name}-Stateless`);
  });
});
