/**
 * Everything that can be destroyed and recreated without losing data, built
 * from the wiring manifest (lib/manifest.ts): one function per manifest
 * function, then the HTTP routes, bus rules, stream consumers and schedules
 * that reach them. No route, rule or function is named here by hand.
 */
import { CfnOutput, Duration, Stack, Tags, TimeZone, type StackProps } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ApiThrottle } from '../config/stages.js';
import { HouseFunction } from '../constructs/house-function.js';
import {
  consumerRetryAttempts,
  defaultRoutePath,
  defaultTimeoutSeconds,
  manifest as defaultManifest,
  secretEnv,
  secretsOf,
  type FunctionSpec,
  type Manifest,
  type RuleSpec,
  type ScheduleSpec,
  type StreamSpec,
} from '../manifest.js';
import { tableDefinition } from '../table.js';
import type { StatefulResources } from './stateful-stack.js';

export interface StatelessStackProps extends StackProps {
  readonly stage: string;
  readonly stateful: StatefulResources;
  /** @default the project's manifest (tests pass their own) */
  readonly manifest?: Manifest;
  /** @default { rateLimit: 1000, burstLimit: 2000 } */
  readonly apiThrottle?: ApiThrottle;
  /** @default HouseFunction's default (one month) */
  readonly logRetention?: RetentionDays;
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

/** Tag on every manifest function (and its role): how tests and operators find `health` in a template or account. */
export const FUNCTION_TAG = 'xborder:function';

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly apiUrl: string;
  /** Manifest function name -> function. */
  readonly functions: ReadonlyMap<string, HouseFunction>;

  private readonly stage: string;
  private readonly manifest: Manifest;
  private readonly stateful: StatefulResources;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    this.manifest = props.manifest ?? defaultManifest;
    this.stateful = props.stateful;

    this.functions = new Map(
      Object.entries(this.manifest.functions).map(([name, spec]) => [name, this.houseFunction(name, spec, props.logRetention)]),
    );

    const { api, url } = this.httpApi(props.apiThrottle ?? { rateLimit: 1000, burstLimit: 2000 });
    this.api = api;
    this.apiUrl = url;
    this.manifest.rules.forEach((rule) => this.busRule(rule));
    this.manifest.streams.forEach((stream) => this.streamConsumer(stream));
    this.manifest.schedules.forEach((schedule) => this.schedule(schedule));
    this.asyncTargets().forEach((name) => this.asyncFailureRouting(name));

    new CfnOutput(this, 'ApiUrl', { value: url, description: 'Base URL of the HTTP API (ends with /)' });
  }

  private houseFunction(name: string, spec: FunctionSpec, logRetention?: RetentionDays): HouseFunction {
    const { table, bus, secrets } = this.stateful;
    const fn = new HouseFunction(this, `${pascal(name)}Function`, {
      entry: spec.entry,
      stage: this.stage,
      serviceName: name,
      description: spec.description,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds ?? defaultTimeoutSeconds),
      logRetention,
    });
    Tags.of(fn).add(FUNCTION_TAG, name);
    if (spec.table !== 'none') fn.bindTable(table, spec.table);
    if (spec.publishes) fn.bindBusPublisher(bus, spec.publishes);
    for (const secret of secretsOf(name, this.manifest)) fn.bindSecret(secretEnv[secret], secrets[secret]);
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
    const api = new HttpApi(this, 'HttpApi', { apiName: `xborder-${this.stage}`, createDefaultStage: false });
    const stage = api.addStage('DefaultStage', { stageName: '$default', autoDeploy: true, throttle });

    // One integration per function, shared by all its routes.
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of this.manifest.routes) {
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(route.function)}Integration`, this.fn(route.function));
        integrations.set(route.function, integration);
      }
      if (route.path === defaultRoutePath) {
        // addRoutes only takes `/paths`; this is what HttpApi's `defaultIntegration` builds.
        new HttpRoute(api, 'DefaultRoute', { httpApi: api, routeKey: HttpRouteKey.DEFAULT, integration });
      } else {
        api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      }
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
    new Schedule(this, `Schedule${schedule.name}`, {
      description: schedule.description,
      schedule: ScheduleExpression.expression(schedule.expression, TimeZone.of(schedule.timezone)),
      target: new LambdaInvoke(this.fn(schedule.function), {
        input: schedule.input === undefined ? undefined : ScheduleTargetInput.fromObject(schedule.input),
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue(`Schedule${schedule.name}`),
      }),
    });
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
    return new Queue(this, `${owner}Dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }
}
