/**
 * Alarms and the dashboard, per stage, proven on the monitoring (nested) template:
 * each alarm watches the right resource of the stateless stack (followed through
 * the nested stack's parameters) and notifies the stage's topic; the dashboard's
 * custom metrics are exactly what the functions emit (the outbox relay is run
 * here with Powertools Metrics on, and its EMF output read back).
 */
import { isDeepStrictEqual } from 'node:util';
import { jest } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as LambdaAttributeValue, DynamoDBStreamEvent } from 'aws-lambda';
import { Match } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { stages } from '../../lib/config/stages.js';
import { METRICS_NAMESPACE } from '../../lib/constructs/house-function.js';
import {
  API_5XX_PERCENT_THRESHOLD,
  exitDetailTypes,
  funnelDetailTypes,
  ITERATOR_AGE_THRESHOLD_MS,
  webhookMetrics,
} from '../../lib/monitoring/monitoring.js';
import { tableDefinition } from '../../lib/table.js';
import { lambdaContext } from '../support/api-event.js';
import { fromNestedOutput, functionLogicalId, inParent, synthAllStages, synthStage, type SynthesizedStage } from './synth.js';
import { at, environmentOf, isRecord, refId, resourcesOfType } from './templates.js';

const all = [...synthAllStages()];

/** A CloudWatch embedded metric format log line (what Powertools Metrics prints). */
interface EmfLine {
  readonly _aws: { readonly CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  readonly [key: string]: unknown;
}

const alarms = (stage: SynthesizedStage) => resourcesOfType(stage.monitoring, 'AWS::CloudWatch::Alarm').map(([, a]) => a);

/** A single-metric alarm's dimension value, or the dimension of the metric with that name inside a math alarm. */
const dimension = (alarm: Record<string, unknown>, name: string, metricName?: string): unknown => {
  const direct = Array.isArray(alarm.Dimensions) ? alarm.Dimensions : [];
  const inMath = (Array.isArray(alarm.Metrics) ? alarm.Metrics : [])
    .map((m: unknown) => at(m, 'MetricStat', 'Metric'))
    .filter((m) => metricName === undefined || at(m, 'MetricName') === metricName)
    .flatMap((m) => (Array.isArray(at(m, 'Dimensions')) ? (at(m, 'Dimensions') as unknown[]) : []));
  return [...direct, ...inMath].find((d) => at(d, 'Name') === name)?.Value;
};

const metricNamesOf = (alarm: Record<string, unknown>): unknown[] => [
  alarm.MetricName,
  ...(Array.isArray(alarm.Metrics) ? alarm.Metrics : []).map((m: unknown) => at(m, 'MetricStat', 'Metric', 'MetricName')),
];

const alarmsOn = (stage: SynthesizedStage, metricName: string) => alarms(stage).filter((a) => metricNamesOf(a).includes(metricName));

/**
 * The dashboard body, parsed, with every token (function names, alarm ARNs, the region)
 * written `{token}`: the tokens all sit inside JSON strings, so the body stays JSON.
 */
const dashboardOf = (stage: SynthesizedStage): DashboardBody => {
  const dashboards = resourcesOfType(stage.monitoring, 'AWS::CloudWatch::Dashboard');
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.[1].DashboardBody;
  const parts = at(body, 'Fn::Join');
  const pieces = Array.isArray(parts) && Array.isArray(parts[1]) ? (parts[1] as unknown[]) : [body];
  return JSON.parse(pieces.map((p) => (typeof p === 'string' ? p : '{token}')).join('')) as DashboardBody;
};

interface DashboardBody {
  readonly widgets: { readonly type: string; readonly properties: { readonly title?: string; readonly metrics?: unknown[][] } }[];
}

interface DashboardMetric {
  readonly widget: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly label?: string;
}

/** Every plain metric of every widget (`[namespace, name, dim, value, ..., { options }]`); math expressions left out. */
const dashboardMetrics = (stage: SynthesizedStage): DashboardMetric[] =>
  dashboardOf(stage).widgets.flatMap((widget) =>
    (widget.properties.metrics ?? [])
      .filter((m) => typeof m[0] === 'string')
      .map((m) => {
        const [namespace, metricName, ...rest] = m;
        const options = rest.find(isRecord);
        const pairs = rest.filter((v): v is string => typeof v === 'string');
        const dimensions = Object.fromEntries(pairs.flatMap((v, i) => (i % 2 === 0 ? [[v, pairs[i + 1] ?? '']] : [])));
        return {
          widget: widget.properties.title ?? widget.type,
          namespace: String(namespace),
          metricName: String(metricName),
          dimensions,
          label: typeof options?.label === 'string' ? options.label : undefined,
        };
      }),
  );

const titlesOf = (stage: SynthesizedStage): string[] => dashboardOf(stage).widgets.map((w) => w.properties.title ?? w.type);

describe.each(all)('stage %s: alarms', (_name, stage) => {
  const topic = stage.stacks.stateful.alarmTopic;

  it('notifies the stage alarm topic from every alarm, on ALARM and on OK', () => {
    const topicExport = JSON.stringify(alarms(stage)[0]?.AlarmActions);
    expect(topicExport).toMatch(/AlarmTopic/);
    for (const alarm of alarms(stage)) {
      expect(JSON.stringify(alarm.AlarmActions)).toBe(topicExport);
      expect(JSON.stringify(alarm.OKActions)).toBe(topicExport);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    expect(topic.topicArn).toBeDefined();
  });

  it('alarms on every dead-letter and failure queue as soon as one message is visible', () => {
    // Failure queues; a manifest queue's work queue (it has a redrive policy) has its own age alarm instead.
    const queues = resourcesOfType(stage.stateless, 'AWS::SQS::Queue').filter(([, q]) => !('RedrivePolicy' in q)).map(([id]) => id);
    const watched = alarmsOn(stage, 'ApproximateNumberOfMessagesVisible').map((alarm) => {
      expect(alarm).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
      return refId(inParent(stage, dimension(alarm, 'QueueName')));
    });
    expect(watched.sort()).toEqual(queues.sort());
  });

  it(`alarms when more than ${API_5XX_PERCENT_THRESHOLD}% of API requests answer 5xx over 5 minutes`, () => {
    const [alarm, ...others] = alarmsOn(stage, '5xx');
    expect(others).toEqual([]);
    expect(alarm).toMatchObject({ Threshold: API_5XX_PERCENT_THRESHOLD, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 });
    const metrics = Array.isArray(alarm?.Metrics) ? alarm.Metrics : [];
    expect(metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
        expect.objectContaining({ Id: 'errors', MetricStat: expect.objectContaining({ Period: 300, Stat: 'Sum' }) }),
        expect.objectContaining({ Id: 'requests', MetricStat: expect.objectContaining({ Period: 300, Stat: 'Sum' }) }),
      ]),
    );
    // The API lives in the sibling nested API stack: its id reaches the monitoring stack through the parent.
    const api = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Api').map(([id]) => id);
    expect(api).toHaveLength(1);
    expect(refId(fromNestedOutput(stage, inParent(stage, dimension(alarm ?? {}, 'ApiId', '5xx'))))).toBe(api[0]);
    expect(refId(fromNestedOutput(stage, inParent(stage, dimension(alarm ?? {}, 'ApiId', 'Count'))))).toBe(api[0]);
  });

  it.each([['Errors'], ['Throttles']])('alarms on %s of every function', (metricName) => {
    const watched = alarmsOn(stage, metricName).map((alarm) => {
      expect(alarm).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, Threshold: 0 });
      return refId(inParent(stage, dimension(alarm, 'FunctionName')));
    });
    const functions = Object.keys(stage.manifest.functions).map((name) => functionLogicalId(stage.stateless, name));
    expect(watched.sort()).toEqual(functions.sort());
  });

  it('alarms on DynamoDB read and write throttle events of the table and each index', () => {
    const throttles = alarmsOn(stage, 'ReadThrottleEvents');
    const indexes = throttles.map((alarm) => {
      expect(metricNamesOf(alarm)).toContain('WriteThrottleEvents');
      expect(JSON.stringify(dimension(alarm, 'TableName'))).toMatch(/Stateful.*Table/);
      return dimension(alarm, 'GlobalSecondaryIndexName') ?? '(table)';
    });
    expect(indexes.sort()).toEqual(['(table)', ...tableDefinition.globalSecondaryIndexes.map((i) => i.indexName)].sort());
  });

  it("alarms on the relay's iterator age", () => {
    const consumers = [...new Set(stage.manifest.streams.map((s) => s.function))];
    const watched = alarmsOn(stage, 'IteratorAge').map((alarm) => {
      expect(alarm).toMatchObject({ Statistic: 'Maximum', Threshold: ITERATOR_AGE_THRESHOLD_MS, DatapointsToAlarm: 3, EvaluationPeriods: 5 });
      return refId(inParent(stage, dimension(alarm, 'FunctionName')));
    });
    expect(watched.sort()).toEqual(consumers.map((name) => functionLogicalId(stage.stateless, name)).sort());
  });

  it("alarms on PutEvents failures, on the relay's own Powertools service dimension", () => {
    const publishers = Object.entries(stage.manifest.functions).filter(([, spec]) => spec.publishes).map(([name]) => name);
    const watched = alarmsOn(stage, 'PutEventsFailedEntries').map((alarm) => {
      expect(JSON.stringify(alarm.Metrics)).toContain(`"Namespace":"${METRICS_NAMESPACE}"`);
      expect(alarm.Threshold).toBe(0);
      return dimension(alarm, 'service');
    });
    expect(publishers.length).toBeGreaterThan(0);
    expect(watched.sort()).toEqual(publishers.map((name) => environmentOf(stage.stateless, name).POWERTOOLS_SERVICE_NAME).sort());
  });
});

describe.each(all)('stage %s: dashboard', (name, stage) => {
  const metrics = dashboardMetrics(stage);
  const titles = titlesOf(stage);
  const relay = Object.entries(stage.manifest.functions).find(([, spec]) => spec.publishes)?.[0] ?? '';
  const custom = (metricName: string, dimensions: Record<string, string>) =>
    metrics.filter((m) => m.namespace === METRICS_NAMESPACE && m.metricName === metricName && isDeepStrictEqual(m.dimensions, dimensions));

  it('is named after the stage', () => {
    expect(resourcesOfType(stage.monitoring, 'AWS::CloudWatch::Dashboard').map(([, d]) => d.DashboardName)).toEqual([`xborder-${name}`]);
  });

  it.each(funnelDetailTypes)('shows the order funnel: relayed %s events, as totals and over time', (detailType) => {
    const widgets = custom('EventsRelayed', { service: relay, detailType }).map((m) => m.widget);
    expect(widgets.sort()).toEqual(['Order funnel (events per 5 minutes)', 'Order funnel (in the time range)']);
  });

  it.each(exitDetailTypes)('shows orders leaving the happy path: relayed %s events', (detailType) => {
    expect(custom('EventsRelayed', { service: relay, detailType }).map((m) => m.widget)).toEqual(['Off the happy path']);
  });

  it('shows webhook intake from the webhook functions the stage has', () => {
    for (const { service, metricName } of webhookMetrics) {
      const shown = custom(metricName, { service }).map((m) => m.widget);
      expect(shown).toEqual(service in stage.manifest.functions ? ['Webhook intake'] : []);
    }
  });

  it('shows payout runs: invocations, errors and duration of every function named *payout*', () => {
    const payouts = Object.keys(stage.manifest.functions).filter((fn) => fn.toLowerCase().includes('payout'));
    expect(payouts.length).toBeGreaterThan(0);
    const shown = (widget: string, metricName: string) =>
      metrics.filter((m) => m.widget === widget && m.metricName === metricName).map((m) => m.label);
    expect(shown('Payout runs (invocations, errors)', 'Invocations').sort()).toEqual([...payouts].sort());
    expect(shown('Payout runs (invocations, errors)', 'Errors')).toHaveLength(payouts.length);
    expect(shown('Payout run duration (p99, ms)', 'Duration')).toHaveLength(payouts.length);
  });

  it('shows errors: API, every function, throttles, dead letters, relay and table', () => {
    expect(titles).toEqual(
      expect.arrayContaining(['Alarms', 'API responses', 'Function errors', 'Function throttles', 'Dead letters waiting', 'DynamoDB throttle events']),
    );
    const fnCount = Object.keys(stage.manifest.functions).length;
    expect(metrics.filter((m) => m.widget === 'Function errors')).toHaveLength(fnCount);
    expect(metrics.filter((m) => m.widget === 'Dead letters waiting')).toHaveLength(resourcesOfType(stage.stateless, 'AWS::SQS::Queue').filter(([, q]) => !('RedrivePolicy' in q)).length);
    expect(custom('PutEventsFailedEntries', { service: relay })).toHaveLength(1);
    expect(metrics.some((m) => m.metricName === 'IteratorAge')).toBe(true);
  });
});

describe('alarm topic', () => {
  it('is created per stage unless the stage names one', () => {
    for (const [, stage] of all) {
      expect(Object.keys(stage.stateful.findResources('AWS::SNS::Topic'))).toHaveLength(1);
      stage.stateful.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
      });
    }
  });

  it('is imported when the stage config names one', () => {
    const alarmTopicArn = 'arn:aws:sns:ap-southeast-1:111122223333:oncall';
    const stage = synthStage({ ...stages.dev, alarmTopicArn });
    expect(stage.stateful.findResources('AWS::SNS::Topic')).toEqual({});
    for (const alarm of alarms(stage)) expect(alarm.AlarmActions).toEqual([alarmTopicArn]);
  });
});

describe('metric contract: the dashboard reads what the outbox relay emits', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const settings = {
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_SERVICE_NAME: 'outboxRelay',
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    EVENT_BUS_NAME: 'bus',
  };
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  afterAll(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    eventBridge.restore();
  });

  const record = (sequence: string, detailType: string) => ({
    eventName: 'INSERT' as const,
    dynamodb: {
      SequenceNumber: sequence,
      NewImage: marshall({
        pk: `OUTBOX#${sequence}`,
        sk: 'OUTBOX',
        [tableDefinition.entityAttribute]: 'outbox',
        source: 'xborder.orders',
        detailType,
        detail: '{}',
        occurredAt: '2026-11-20T00:00:00.000Z',
      }) as Record<string, LambdaAttributeValue>,
    },
  });

  it('emits EventsRelayed per detailType (dimensions service + detailType) and PutEventsFailedEntries (service)', async () => {
    // Set before the relay (and its Powertools Metrics) is first imported, below.
    Object.assign(process.env, settings);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { handler } = await import('../../functions/platform/outbox-relay.js');
      const event: DynamoDBStreamEvent = {
        Records: [record('1', 'OrderPlaced'), record('2', 'OrderPlaced'), record('3', 'OrderPaid')],
      };
      await handler(event, lambdaContext('outboxRelay'));
    } finally {
      write.mockRestore();
    }
    const emf = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfLine);
    const metric = (metricName: string) =>
      emf.flatMap((entry) =>
        entry._aws.CloudWatchMetrics.filter((directive) => directive.Metrics.some((m) => m.Name === metricName)).map((directive) => ({
          namespace: directive.Namespace,
          dimensions: directive.Dimensions,
          service: entry.service,
          detailType: entry.detailType,
          value: entry[metricName],
        })),
      );
    expect(metric('EventsRelayed').filter((m) => m.detailType !== undefined)).toEqual(
      expect.arrayContaining([
        { namespace: METRICS_NAMESPACE, dimensions: [['service', 'detailType']], service: 'outboxRelay', detailType: 'OrderPlaced', value: 2 },
        { namespace: METRICS_NAMESPACE, dimensions: [['service', 'detailType']], service: 'outboxRelay', detailType: 'OrderPaid', value: 1 },
      ]),
    );
    expect(metric('PutEventsFailedEntries')).toEqual([
      expect.objectContaining({ namespace: METRICS_NAMESPACE, dimensions: [['service']], service: 'outboxRelay', value: 0 }),
    ]);
    // ...and those are the identities the dashboard and the alarm read (service = the relay's manifest name).
    const dev = all.find(([name]) => name === 'dev')?.[1];
    expect(dev && environmentOf(dev.stateless, 'outboxRelay').POWERTOOLS_SERVICE_NAME).toBe('outboxRelay');
    const shown = dev ? dashboardMetrics(dev).filter((m) => m.metricName === 'EventsRelayed').map((m) => m.dimensions) : [];
    expect(shown).toContainEqual({ service: 'outboxRelay', detailType: 'OrderPlaced' });
  });
});
