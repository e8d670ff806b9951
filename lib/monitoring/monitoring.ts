/**
 * Alarms and the stage dashboard, derived from the manifest: every failure queue,
 * every function, the API, the table and its indexes, every stream consumer and
 * every bus publisher get their alarms without anyone listing them here. Alarms
 * notify the stage's SNS topic (lib/config/stages.ts `alarmTopicArn`, or the
 * stateful stack's own topic), on ALARM and on OK.
 *
 * Custom metrics come from Powertools Metrics (EMF log lines, namespace
 * `xborder`): each carries the default dimension `service` = the function's
 * POWERTOOLS_SERVICE_NAME, which HouseFunction sets to the manifest name. A metric
 * with an extra dimension (the relay's per-detail-type `EventsRelayed`) is emitted
 * on its own (`metrics.singleMetric()`), so its dimension set is exactly
 * `service` + `detailType`.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  Stats,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DetailType } from '../../events/catalogue.js';
import { concurrencyGroups } from '../config/stages.js';
import { METRICS_NAMESPACE } from '../constructs/house-function.js';
import type { FunctionName, Manifest } from '../manifest.js';

export interface MonitoringProps {
  readonly stage: string;
  /** The manifest as the stage deploys it. */
  readonly manifest: Manifest;
  /** Manifest function name -> function. */
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly api: IHttpApi;
  readonly table: ITable;
  readonly indexNames: readonly string[];
  /** Every dead-letter and on-failure queue, by what it serves (rule, stream, schedule or function). */
  readonly failureQueues: ReadonlyMap<string, IQueue>;
  readonly alarmTopic: ITopic;
}

/** API 5xx responses, in percent of requests, above which the API alarms (over 5 minutes). */
export const API_5XX_PERCENT_THRESHOLD = 1;
/** A stream consumer whose oldest record waits longer than this (ms) alarms. */
export const ITERATOR_AGE_THRESHOLD_MS = 60_000;

/** The order funnel: detail types the outbox relay counts (`EventsRelayed` by `detailType`). */
export const funnelDetailTypes = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderDelivered'] as const satisfies readonly DetailType[];
/** Where orders leave the happy path. */
export const exitDetailTypes = ['OrderPaymentFailed', 'OrderCancelled', 'OrderRefunded', 'ShipmentStalled'] as const satisfies readonly DetailType[];

/** Webhook intake metrics, by the function that emits them (functions/logistics, functions/payments). */
export const webhookMetrics = [
  { service: 'partnerWebhook', metricName: 'TrackingEventsAccepted' },
  { service: 'partnerWebhook', metricName: 'TrackingEventsDuplicate' },
  { service: 'partnerWebhook', metricName: 'PartnerWebhookRejected' },
  { service: 'stripeWebhook', metricName: 'PaymentAmountMismatch' },
] as const satisfies readonly { service: FunctionName; metricName: string }[];

/** The stage's dashboard. */
export const dashboardName = (stage: string): string => `xborder-${stage}`;

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** A Powertools metric of one function (dimension `service`, plus any extra ones). */
export const serviceMetric = (service: string, metricName: string, extra: Readonly<Record<string, string>> = {}, label?: string): Metric =>
  new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, ...extra },
    statistic: Stats.SUM,
    period: FIVE_MINUTES,
    label: label ?? `${metricName} (${service})`,
  });

interface AlarmSpec {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly description: string;
  /** @default 1 */
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  private readonly props: MonitoringProps;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.props = props;
    this.alarmAction = new SnsAction(props.alarmTopic);

    for (const [owner, queue] of props.failureQueues) this.failureQueueAlarm(owner, queue);
    this.apiAlarm();
    for (const [name, fn] of props.functions) this.functionAlarms(name, fn);
    this.tableAlarms();
    for (const name of new Set(props.manifest.streams.map((s) => s.function))) this.iteratorAgeAlarm(name);
    for (const name of this.publishers()) this.putEventsAlarm(name);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: dashboardName(props.stage),
      defaultInterval: Duration.hours(3),
      widgets: [
        [new TextWidget({ markdown: this.header(), width: 24, height: 2 })],
        ...this.chunks(this.alarms, 100).map((alarms, i) => [
          new AlarmStatusWidget({ title: i === 0 ? 'Alarms' : `Alarms (${i + 1})`, alarms, width: 24, height: 6 }),
        ]),
        this.funnelRow(),
        this.webhookRow(),
        this.payoutRow(),
        ...this.errorRows(),
      ],
    });
  }

  /** Functions that put events on the bus (the outbox relay): they emit PutEventsFailedEntries. */
  private publishers(): string[] {
    return Object.entries(this.props.manifest.functions)
      .filter(([name, spec]) => spec.publishes !== undefined && this.props.functions.has(name))
      .map(([name]) => name);
  }

  private alarm(id: string, spec: AlarmSpec): Alarm {
    const alarm = new Alarm(this, id, {
      alarmName: `xborder-${this.props.stage}-${id}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      datapointsToAlarm: spec.datapointsToAlarm,
      // No data = nothing happened (no messages, no requests): not a breach.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }

  private failureQueueAlarm(owner: string, queue: IQueue): void {
    this.alarm(`FailureQueue-${owner}`, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: ONE_MINUTE }),
      threshold: 0,
      description: `${owner}: an event or invocation failed for good and is waiting in its dead-letter queue (inspect, fix, redrive: docs/deployment.md)`,
    });
  }

  private apiAlarm(): void {
    const { api } = this.props;
    this.alarm('Api5xxRate', {
      metric: new MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES }),
          requests: api.metricCount({ statistic: Stats.SUM, period: FIVE_MINUTES }),
        },
        period: FIVE_MINUTES,
        label: 'API 5xx (% of requests)',
      }),
      threshold: API_5XX_PERCENT_THRESHOLD,
      description: `More than ${API_5XX_PERCENT_THRESHOLD}% of HTTP API requests answered 5xx over 5 minutes`,
    });
  }

  private functionAlarms(name: string, fn: IFunction): void {
    this.alarm(`Errors-${name}`, {
      metric: fn.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      threshold: 0,
      description: `${name}: invocations failed (unhandled error or timeout) in the last 5 minutes`,
    });
    this.alarm(`Throttles-${name}`, {
      metric: fn.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES }),
      threshold: 0,
      description: `${name}: invocations throttled (reserved or account concurrency exhausted) in the last 5 minutes`,
    });
  }

  private throttleEvents(index?: string): MathExpression {
    const metric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: this.props.table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        statistic: Stats.SUM,
        period: FIVE_MINUTES,
      });
    // Ids unique per index: the dashboard graphs every index's expression together.
    const suffix = (index ?? 'table').replace(/[^A-Za-z0-9_]/g, '_');
    return new MathExpression({
      expression: `reads_${suffix} + writes_${suffix}`,
      usingMetrics: { [`reads_${suffix}`]: metric('ReadThrottleEvents'), [`writes_${suffix}`]: metric('WriteThrottleEvents') },
      period: FIVE_MINUTES,
      label: index ? `Throttle events (${index})` : 'Throttle events (table)',
    });
  }

  private tableAlarms(): void {
    this.alarm('TableThrottles', {
      metric: this.throttleEvents(),
      threshold: 0,
      description: 'DynamoDB throttled reads or writes on the table (a hot partition, or the on-demand table outgrew its previous peak too fast)',
    });
    for (const index of this.props.indexNames) {
      this.alarm(`IndexThrottles-${index}`, {
        metric: this.throttleEvents(index),
        threshold: 0,
        description: `DynamoDB throttled reads or writes on index ${index} (a hot index partition: README "Hot merchants")`,
      });
    }
  }

  private functionOf(name: string): IFunction {
    const fn = this.props.functions.get(name);
    if (!fn) throw new Error(`Monitoring: unknown function "${name}"`);
    return fn;
  }

  private iteratorAgeAlarm(name: string): void {
    this.alarm(`IteratorAge-${name}`, {
      metric: this.functionOf(name).metric('IteratorAge', { statistic: Stats.MAXIMUM, period: ONE_MINUTE }),
      threshold: ITERATOR_AGE_THRESHOLD_MS,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description: `${name}: the oldest stream record waited over ${ITERATOR_AGE_THRESHOLD_MS / 1000} s in 3 of the last 5 minutes (events reach the bus late)`,
    });
  }

  private putEventsAlarm(name: string): void {
    this.alarm(`PutEventsFailures-${name}`, {
      metric: serviceMetric(name, 'PutEventsFailedEntries'),
      threshold: 0,
      description: `${name}: EventBridge refused entries (PutEventsFailedEntries); the relay retries them, then the stream does`,
    });
  }

  private header(): string {
    return [
      `# xborder ${this.props.stage}`,
      'Order funnel and webhook intake from the functions\' Powertools metrics (namespace `xborder`); errors, throttles and dead letters below. Runbook: docs/deployment.md "Reading the dashboard".',
    ].join('\n\n');
  }

  private chunks<T>(items: readonly T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
  }

  private relayed(detailTypes: readonly DetailType[]): Metric[] {
    const publishers = this.publishers();
    return publishers.flatMap((service) =>
      detailTypes.map((detailType) =>
        serviceMetric(service, 'EventsRelayed', { detailType }, publishers.length > 1 ? `${detailType} (${service})` : detailType),
      ),
    );
  }

  private funnelRow(): IWidget[] {
    const funnel = this.relayed(funnelDetailTypes);
    return [
      new SingleValueWidget({ title: 'Order funnel (in the time range)', metrics: funnel, setPeriodToTimeRange: true, fullPrecision: true, width: 8, height: 6 }),
      new GraphWidget({ title: 'Order funnel (events per 5 minutes)', left: funnel, width: 8, height: 6 }),
      new GraphWidget({ title: 'Off the happy path', left: this.relayed(exitDetailTypes), width: 8, height: 6 }),
    ];
  }

  private invocationMetrics(names: readonly string[]): { invocations: IMetric[]; errors: IMetric[]; duration: IMetric[] } {
    const fns = names.map((name) => [name, this.functionOf(name)] as const);
    return {
      invocations: fns.map(([name, fn]) => fn.metricInvocations({ statistic: Stats.SUM, period: FIVE_MINUTES, label: name })),
      errors: fns.map(([name, fn]) => fn.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES, label: `${name} errors` })),
      duration: fns.map(([name, fn]) => fn.metricDuration({ statistic: Stats.p(99), period: FIVE_MINUTES, label: `${name} p99` })),
    };
  }

  private webhookRow(): IWidget[] {
    const present = webhookMetrics.filter((m) => this.props.functions.has(m.service));
    const webhooks = [...this.props.functions.keys()].filter(concurrencyGroups.webhooks);
    const { invocations, errors } = this.invocationMetrics(webhooks);
    return [
      new GraphWidget({
        title: 'Webhook intake',
        left: present.map((m) => serviceMetric(m.service, m.metricName)),
        width: 12,
        height: 6,
      }),
      new GraphWidget({ title: 'Webhook deliveries and errors', left: invocations, right: errors, width: 12, height: 6 }),
    ];
  }

  private payoutRow(): IWidget[] {
    const payouts = [...this.props.functions.keys()].filter(concurrencyGroups.payouts);
    if (payouts.length === 0) {
      return [new TextWidget({ markdown: '### Payout runs\nNo payout function in this stage.', width: 24, height: 2 })];
    }
    const { invocations, errors, duration } = this.invocationMetrics(payouts);
    return [
      new GraphWidget({ title: 'Payout runs (invocations, errors)', left: invocations, right: errors, width: 12, height: 6 }),
      new GraphWidget({ title: 'Payout run duration (p99, ms)', left: duration, width: 12, height: 6 }),
    ];
  }

  private errorRows(): IWidget[][] {
    const { api, functions, failureQueues, manifest } = this.props;
    const fns = [...functions.entries()];
    const streamConsumers = [...new Set(manifest.streams.map((s) => s.function))];
    return [
      [
        new GraphWidget({
          title: 'API responses',
          left: [
            api.metricServerError({ statistic: Stats.SUM, period: FIVE_MINUTES, label: '5xx' }),
            api.metricClientError({ statistic: Stats.SUM, period: FIVE_MINUTES, label: '4xx' }),
          ],
          right: [api.metricCount({ statistic: Stats.SUM, period: FIVE_MINUTES, label: 'requests' })],
          width: 12,
          height: 6,
        }),
        new GraphWidget({
          title: 'Function errors',
          left: fns.map(([name, fn]) => fn.metricErrors({ statistic: Stats.SUM, period: FIVE_MINUTES, label: name })),
          width: 12,
          height: 6,
        }),
      ],
      [
        new GraphWidget({
          title: 'Function throttles',
          left: fns.map(([name, fn]) => fn.metricThrottles({ statistic: Stats.SUM, period: FIVE_MINUTES, label: name })),
          width: 12,
          height: 6,
        }),
        new GraphWidget({
          title: 'Dead letters waiting',
          left: [...failureQueues].map(([owner, queue]) =>
            queue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: ONE_MINUTE, label: owner }),
          ),
          width: 12,
          height: 6,
        }),
      ],
      [
        new GraphWidget({
          title: 'Outbox relay: iterator age (ms) and PutEvents failures',
          left: streamConsumers.map((name) =>
            this.functionOf(name).metric('IteratorAge', { statistic: Stats.MAXIMUM, period: ONE_MINUTE, label: `${name} iterator age` }),
          ),
          right: this.publishers().map((name) => serviceMetric(name, 'PutEventsFailedEntries')),
          width: 12,
          height: 6,
        }),
        new GraphWidget({
          title: 'DynamoDB throttle events',
          left: [this.throttleEvents(), ...this.props.indexNames.map((index) => this.throttleEvents(index))],
          width: 12,
          height: 6,
        }),
      ],
    ];
  }
}
