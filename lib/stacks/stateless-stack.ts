/**
 * Everything that can be destroyed and recreated without losing data, built
 * from the wiring manifest (lib/manifest.ts): one function per manifest
 * function, then the HTTP routes, bus rules, stream consumers and schedules
 * that reach them, and the alarms and dashboard that watch them
 * (lib/monitoring). No route, rule or function is named here by hand.
 */
import { CfnOutput, Duration, NestedStack, RemovalPolicy, Stack, Tags, TimeZone, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey, LogGroupLogDestination, type IHttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnFunction, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ApiThrottle } from '../config/stages.js';
import { HouseFunction } from '../constructs/house-function.js';
import { suppressNag } from '../constructs/nag.js';
import {
  consumerRetryAttempts,
  defaultRoutePath,
  defaultTimeoutSeconds,
  manifest as defaultManifest,
  secretEnv,
  secretsOf,
  type FunctionSpec,
  type Manifest,
  type QueueSpec,
  type RouteSpec,
  type RuleSpec,
  type ScheduleSpec,
  type StreamSpec,
} from '../manifest.js';
import { dashboardName, Monitoring } from '../monitoring/monitoring.js';
import { tableDefinition } from '../table.js';
import type { StatefulResources } from './stateful-stack.js';

export interface StatelessStackProps extends StackProps {
  readonly stage: string;
  readonly stateful: StatefulResources;
  /** The manifest as the stage deploys it (lib/config/residency.ts). @default the project's manifest */
  readonly manifest?: Manifest;
  /** @default { rateLimit: 1000, burstLimit: 2000 } */
  readonly apiThrottle?: ApiThrottle;
  /** For the functions' and the API's access log groups. @default one month */
  readonly logRetention?: RetentionDays;
  /** Manifest function name -> reserved concurrency, for the functions that have one. */
  readonly reservedConcurrency?: Readonly<Record<string, number>>;
}

/** Scheduler delivery policy; the manifest's schedules do not vary it (yet). */
const SCHEDULE_RETRY_ATTEMPTS = 3;
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/**
 * How long Lambda keeps retrying an asynchronous invocation (rule or schedule
 * target) before it gives up and sends the event to the on-failure queue. Six
 * hours is Lambda's maximum (and its default).
 */
const ASYNC_MAX_EVENT_AGE = Duration.hours(6);

/** `createApiKey` -> `CreateApiKey`: construct ids read like class names. */
const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * HTTP API access log line (JSON, one per request): who called which route, the answer,
 * and the latencies. Source IPs are personal data: they stay in the stage's region and
 * expire with the stage's log retention.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/** The table's indexes, by name: what table bindings grant and what the throttle alarms watch. */
const INDEX_NAMES = tableDefinition.globalSecondaryIndexes.map((index) => index.indexName);

/** Tag on every manifest function (and its role): how tests and operators find `health` in a template or account. */
export const FUNCTION_TAG = 'xborder:function';

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly apiUrl: string;
  /** Manifest function name -> function. */
  readonly functions: ReadonlyMap<string, HouseFunction>;
  /** Alarms and dashboard, in a nested stack of their own (CloudFormation's 500-resource limit per stack). */
  readonly monitoringStack: NestedStack;
  readonly monitoring: Monitoring;
  /**
   * The HTTP API (API, stage, access logs, routes, integrations and their invoke
   * permissions), in a nested stack of its own: with 67 functions the stateless
   * stack passed CloudFormation's 500-resource limit (decision record 0041).
   */
  readonly apiStack: NestedStack;

  private readonly stage: string;
  private readonly manifest: Manifest;
  private readonly stateful: StatefulResources;
  private readonly logRetention: RetentionDays;
  /** Every dead-letter and on-failure queue, by what it serves. */
  private readonly failureQueues = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    this.manifest = props.manifest ?? defaultManifest;
    this.stateful = props.stateful;
    this.logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.functions = new Map(
      Object.entries(this.manifest.functions).map(([name, spec]) => [
        name,
        this.houseFunction(name, spec, props.reservedConcurrency?.[name]),
      ]),
    );

    this.apiStack = new NestedStack(this, 'ApiStack', {
      description: `xborder ${props.stage}: HTTP API, routes and integrations`,
    });
    const { api, url } = this.httpApi(props.apiThrottle ?? { rateLimit: 1000, burstLimit: 2000 });
    this.api = api;
    this.apiUrl = url;
    this.manifest.rules.forEach((rule) => this.busRule(rule));
    this.manifest.streams.forEach((stream) => this.streamConsumer(stream));
    this.manifest.schedules.forEach((schedule) => this.schedule(schedule));
    this.manifest.queues?.forEach((queue) => this.queue(queue));
    this.asyncTargets().forEach((name) => this.asyncFailureRouting(name));
    const asyncTargets = this.asyncTargets();
    this.functions.forEach((fn, name) => this.explainFunctionFindings(name, fn, asyncTargets.includes(name)));

    this.monitoringStack = new NestedStack(this, 'MonitoringStack', {
      description: `xborder ${this.stage}: alarms and dashboard`,
    });
    this.monitoring = new Monitoring(this.monitoringStack, 'Monitoring', {
      stage: this.stage,
      manifest: this.manifest,
      functions: this.functions,
      api,
      table: this.stateful.table,
      indexNames: INDEX_NAMES,
      failureQueues: this.failureQueues,
      alarmTopic: this.stateful.alarmTopic,
    });

    new CfnOutput(this, 'ApiUrl', { value: url, description: 'Base URL of the HTTP API (ends with /)' });
    new CfnOutput(this, 'DashboardName', { value: dashboardName(this.stage) });
  }

  private houseFunction(name: string, spec: FunctionSpec, reservedConcurrentExecutions?: number): HouseFunction {
    const { table, bus, secrets } = this.stateful;
    const fn = new HouseFunction(this, `${pascal(name)}Function`, {
      entry: spec.entry,
      stage: this.stage,
      serviceName: name,
      description: spec.description,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds ?? defaultTimeoutSeconds),
      logRetention: this.logRetention,
      reservedConcurrentExecutions,
      files: spec.files,
      sourceMap: spec.sourceMap,
    });
    for (const tagged of [fn, fn.executionRole]) Tags.of(tagged).add(FUNCTION_TAG, name);
    if (spec.table !== 'none') {
      fn.bindTable(table, spec.table, INDEX_NAMES);
    }
    if (spec.publishes) fn.bindBusPublisher(bus, spec.publishes);
    for (const secret of secretsOf(name, this.manifest)) {
      const resource = secrets[secret];
      if (!resource) throw new Error(`${name} reads secret ${secret}, which the stateful stack does not create`);
      fn.bindSecret(secretEnv[secret], resource);
    }
    return fn;
  }

  private fn(name: string): HouseFunction {
    const fn = this.functions.get(name);
    if (!fn) throw new Error(`Manifest refers to unknown function "${name}"`);
    return fn;
  }

  /**
   * The HTTP API: one route per manifest route, no API Gateway authorizer (the
   * function authenticates from its route's `auth`), no CORS (server-to-server
   * API). The manifest's `$default` route becomes the API's `$default` route
   * (route key `$default`, whatever its method: it catches every path and method
   * no other route serves). The `$default` stage is created by hand because
   * HttpApi's own default stage takes no throttling settings.
   */
  private httpApi(throttle: ApiThrottle): { api: HttpApi; url: string } {
    const api = new HttpApi(this.apiStack, 'HttpApi', { apiName: `xborder-${this.stage}`, createDefaultStage: false });
    const accessLogs = new LogGroup(this.apiStack, 'HttpApiAccessLogs', {
      retention: this.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    // One integration per function, shared by all its routes.
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of this.manifest.routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(route.function)}Integration`, this.fn(route.function));
        integrations.set(route.function, integration);
      }
      const created: IHttpRoute[] =
        route.path === defaultRoutePath
          ? // addRoutes only takes `/paths`; this is what HttpApi's `defaultIntegration` builds.
            [new HttpRoute(api, 'DefaultRoute', { httpApi: api, routeKey: HttpRouteKey.DEFAULT, integration })]
          : api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      created.forEach((r) => suppressNag(r, 'AwsSolutions-APIG4', routeAuthReason(route)));
    }
    return { api, url: stage.url };
  }

  private busRule(rule: RuleSpec): void {
    new Rule(this, `Rule${rule.name}`, {
      description: rule.name,
      eventBus: this.stateful.bus,
      eventPattern: { source: [...rule.source], detailType: [...rule.detailTypes] },
      targets: [
        new LambdaFunction(this.fn(rule.target), {
          retryAttempts: rule.retryAttempts,
          maxEventAge: Duration.seconds(rule.maxEventAgeSeconds),
          deadLetterQueue: this.deadLetterQueue(`Rule${rule.name}`),
        }),
      ],
    });
  }

  private streamConsumer(stream: StreamSpec): void {
    const { eventNames, entities } = stream.filter;
    this.fn(stream.function).addEventSource(
      new DynamoEventSource(this.stateful.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: stream.batchSize,
        maxBatchingWindow: Duration.seconds(stream.maxBatchingWindowSeconds),
        retryAttempts: stream.retryAttempts,
        // A poison record is isolated by halving the batch, and the handler
        // reports the records that failed, so good ones are not retried.
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetterQueue(`Stream${stream.name}`)),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or(...eventNames),
            // The entity name ElectroDB stores on each item. NewImage only:
            // a REMOVE record has no NewImage, so a filter with REMOVE needs
            // OldImage too (no manifest stream wants removals yet).
            dynamodb: { NewImage: { [tableDefinition.entityAttribute]: { S: FilterRule.or(...entities) } } },
          }),
        ],
      }),
    );
  }

  private schedule(schedule: ScheduleSpec): void {
    const fn = this.fn(schedule.function);
    // A role per schedule (rather than the target library's shared one), so the
    // acknowledgement below names exactly what it covers.
    const role = new Role(this, `Schedule${schedule.name}Role`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `EventBridge Scheduler: schedule ${schedule.name} invokes ${schedule.function}`,
    });
    new Schedule(this, `Schedule${schedule.name}`, {
      description: schedule.description,
      schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timezone)),
      target: new LambdaInvoke(fn, {
        role,
        input: schedule.input === undefined ? undefined : ScheduleTargetInput.fromObject(schedule.input),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue(`Schedule${schedule.name}`),
      }),
    });
    const cfnFunction = fn.node.defaultChild;
    if (cfnFunction instanceof CfnFunction) {
      suppressNag(
        role,
        `AwsSolutions-IAM5[Resource::<${this.getLogicalId(cfnFunction)}.Arn>:*]`,
        `lambda:InvokeFunction on ${schedule.function}'s versions and aliases (<arn>:*) comes with CDK's grantInvoke; the role may invoke this one function only.`,
      );
    }
  }

  /**
   * A manifest queue: an SQS queue (SSE-SQS, TLS only) with its dead-letter queue after
   * `maxReceiveCount` receives, fed by an EventBridge rule (its own retry policy and DLQ for
   * sends that fail), consumed by its function through an event source mapping with partial
   * batch responses (the mapping's grant names this queue only), and an alarm on the age of
   * the oldest message (the consumer is stuck); the DLQs are alarmed like every failure queue.
   */
  private queue(spec: QueueSpec): Queue {
    const dlq = this.deadLetterQueue(`Queue${spec.name}`);
    const queue = new Queue(this, `Queue${spec.name}`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
    });
    new Rule(this, `Rule${spec.name}Queue`, {
      description: `${spec.name}: ${spec.description}`,
      eventBus: this.stateful.bus,
      eventPattern: { source: [...spec.fedBy.source], detailType: [...spec.fedBy.detailTypes] },
      targets: [
        new SqsQueue(queue, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: this.deadLetterQueue(`Rule${spec.name}Queue`),
        }),
      ],
    });
    const source = new SqsEventSource(queue, {
      batchSize: spec.batchSize,
      maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds),
      reportBatchItemFailures: true,
    });
    this.fn(spec.function).addEventSource(source);
    const mapping = this.fn(spec.function).node.children.find((child) => child.node.id.startsWith('SqsEventSource:'));
    if (mapping) {
      suppressNag(
        mapping,
        'Serverless-LambdaEventSourceMappingDestination',
        `An SQS event source mapping takes no on-failure destination: messages ${spec.function} fails ${spec.maxReceiveCount} times move to the queue's dead-letter queue (redrive policy), alarmed as FailureQueue-Queue${spec.name}.`,
      );
    }
    const stuck = new Alarm(this, `Queue${spec.name}OldestMessage`, {
      alarmName: `xborder-${this.stage}-Queue${spec.name}-OldestMessage`,
      alarmDescription: `${spec.name}: a message has waited over ${spec.maxMessageAgeSeconds} s (its consumer ${spec.function} is failing or throttled)`,
      metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: spec.maxMessageAgeSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    stuck.addAlarmAction(new SnsAction(this.stateful.alarmTopic));
    stuck.addOkAction(new SnsAction(this.stateful.alarmTopic));
    return queue;
  }

  /** Every function that EventBridge rules or Scheduler schedules invoke (asynchronously), once each. */
  private asyncTargets(): string[] {
    return [
      ...new Set([...this.manifest.rules.map((rule) => rule.target), ...this.manifest.schedules.map((s) => s.function)]),
    ];
  }

  /**
   * A rule's or schedule's own retry policy and dead-letter queue only cover
   * delivery (throttling, an unreachable target): the invocation is
   * asynchronous, so once delivered, a failure of the function itself is
   * retried by Lambda and then dropped unless the function has an on-failure
   * destination. Here: `consumerRetryAttempts` retries, then one queue per
   * function (an operator sees at once whose events failed).
   */
  private asyncFailureRouting(name: string): void {
    this.fn(name).configureAsyncInvoke({
      retryAttempts: consumerRetryAttempts,
      maxEventAge: ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(this.deadLetterQueue(`${pascal(name)}AsyncFailure`)),
    });
  }

  /**
   * One dead-letter queue per rule, stream or schedule, and one on-failure
   * queue per asynchronously invoked function, so an operator sees at once
   * which delivery or invocation failed. SSE-SQS rather than KMS: EventBridge
   * cannot send to a queue encrypted with the AWS-managed SQS key.
   */
  private deadLetterQueue(owner: string): Queue {
    const queue = new Queue(this, `${owner}Dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const terminal = `The dead-letter queue of ${owner}: the end of its failure path, watched by an alarm (FailureQueue-${owner}) and redriven by an operator; a DLQ of a DLQ would only move the same messages.`;
    suppressNag(queue, 'AwsSolutions-SQS3', terminal);
    suppressNag(queue, 'Serverless-SQSRedrivePolicy', terminal);
    this.failureQueues.set(owner, queue);
    return queue;
  }

  /**
   * The cdk-nag findings every function raises by design, with the reason for this one:
   * Lambda DLQs (DeadLetterConfig) apply to asynchronous invocations only, and the
   * functions' `Resource: '*'` grants are the ones AWS offers no resource for.
   */
  private explainFunctionFindings(name: string, fn: HouseFunction, asyncTarget: boolean): void {
    const streamConsumer = this.manifest.streams.some((s) => s.function === name);
    const routed = this.manifest.routes.some((r) => r.function === name);
    const queueConsumer = (this.manifest.queues ?? []).some((q) => q.function === name);
    const dlqReason = asyncTarget
      ? `${name} is invoked asynchronously by a rule or schedule: its EventInvokeConfig sends failed events to an SQS on-failure destination, which supersedes a DeadLetterConfig (enforced by FailureRoutingChecks).`
      : streamConsumer
        ? `${name} is invoked by a DynamoDB stream event source mapping, whose on-failure SQS destination receives failed batches; DeadLetterConfig does not apply to stream invocations.`
        : queueConsumer
          ? `${name} consumes an SQS queue through an event source mapping: messages it fails move to the queue's own dead-letter queue (redrive policy); DeadLetterConfig applies to asynchronous invocations only.`
          : routed
          ? `${name} is invoked synchronously by API Gateway: a failure is answered to the caller, and DeadLetterConfig applies to asynchronous invocations only.`
          : `${name} has no asynchronous trigger in the manifest; DeadLetterConfig applies to asynchronous invocations only.`;
    suppressNag(fn, 'Serverless-LambdaDLQ', dlqReason);
    const wildcardReason = [
      'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support no resource-level permissions',
      ...(streamConsumer ? ['dynamodb:ListStreams (the stream event source) supports no resource-level permissions'] : []),
    ].join('; ');
    suppressNag(fn.executionRole, 'AwsSolutions-IAM5[Resource::*]', `${wildcardReason}. Every other statement names its resources (infra test "least privilege").`);
  }
}

/** Why a route has no API Gateway authorizer (cdk-nag AwsSolutions-APIG4). */
const routeAuthReason = (route: RouteSpec): string => {
  if (route.auth !== 'public') {
    return `${route.method} ${route.path} is authorized in the function: the shared HTTP adapter checks the caller's API key against the route's roles (${route.auth.join(', ')}), ADR 0002; an authorizer would duplicate that check.`;
  }
  if (route.path.startsWith('/v1/webhooks/')) {
    return `${route.method} ${route.path} is a webhook: the sender (Stripe or a logistics partner) cannot present our credentials, so the function verifies the request's signature instead.`;
  }
  return `${route.method} ${route.path} is public by design (manifest auth: public): anonymous, read-only content such as health, API docs, public tracking or the problem+json 404.`;
};
