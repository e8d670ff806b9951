/**
 * Failure routing everywhere, proven on the synthesized templates of every stage,
 * and enforced by the FailureRoutingChecks Aspect, which fails synthesis on a
 * deliberately badly wired stack.
 */
import { Annotations as CoreAnnotations, App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AttributeType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRule, EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Code, Function as LambdaFn, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { FAILURE_ROUTING, FailureRoutingChecks } from '../../lib/aspects/failure-routing.js';
import { synthAllStages } from './synth.js';
import { at, refId, resourcesOfType } from './templates.js';

const stages = [...synthAllStages()];

const queueIds = (template: Template): Set<string> => new Set(Object.keys(template.findResources('AWS::SQS::Queue')));

/** `expect` helper: the value references an SQS queue of the template. */
const expectQueueRef = (template: Template, value: unknown): void => {
  expect(queueIds(template).has(refId(value) ?? '')).toBe(true);
};

describe.each(stages)('stage %s: every asynchronous path has retries and a dead-letter destination', (_name, stage) => {
  const template = stage.stateless;

  it('every EventBridge rule target has a retry policy and an SQS dead-letter queue', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule');
    // One rule per manifest rule, and one feeding each manifest queue.
    expect(rules).toHaveLength(stage.manifest.rules.length + (stage.manifest.queues?.length ?? 0));
    for (const [, rule] of rules) {
      const targets = Array.isArray(rule.Targets) ? rule.Targets : [];
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) {
        expect(target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
        });
        expectQueueRef(template, at(target, 'DeadLetterConfig', 'Arn'));
      }
    }
  });

  it('every stream mapping bisects failing batches, reports item failures and has an on-failure destination', () => {
    // Stream mappings only; manifest queues' SQS mappings redrive to their queue's DLQ (webhook-delivery.test.ts).
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => 'StartingPosition' in m);
    expect(mappings).toHaveLength(stage.manifest.streams.length);
    for (const [, mapping] of mappings) {
      expect(mapping).toMatchObject({ BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      expectQueueRef(template, at(mapping, 'DestinationConfig', 'OnFailure', 'Destination'));
    }
  });

  it('every Scheduler schedule target has a retry policy and an SQS dead-letter queue', () => {
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(stage.manifest.schedules.length);
    for (const [, schedule] of schedules) {
      expect(schedule.Target).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: expect.any(Number) } });
      expectQueueRef(template, at(schedule, 'Target', 'DeadLetterConfig', 'Arn'));
    }
  });

  it('every function a rule or schedule invokes has an on-failure destination for its own failures', () => {
    const targetIds = [
      ...resourcesOfType(template, 'AWS::Events::Rule').flatMap(([, rule]) =>
        (Array.isArray(rule.Targets) ? rule.Targets : []).map((t: unknown) => refId(at(t, 'Arn'))),
      ),
      ...resourcesOfType(template, 'AWS::Scheduler::Schedule').map(([, s]) => refId(at(s, 'Target', 'Arn'))),
    ];
    const functions = template.findResources('AWS::Lambda::Function');
    const configs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
    expect(targetIds.length).toBeGreaterThan(0);
    // A rule feeding a manifest queue targets the queue, not a function (webhook-delivery.test.ts).
    const sqsQueues = template.findResources('AWS::SQS::Queue');
    for (const id of targetIds.filter((target) => target === undefined || !(target in sqsQueues))) {
      expect(functions[id ?? '']).toBeDefined();
      const config = configs.find(([, c]) => refId(c.FunctionName) === id)?.[1];
      expect(config).toMatchObject({ Qualifier: '$LATEST' });
      expectQueueRef(template, at(config, 'DestinationConfig', 'OnFailure', 'Destination'));
    }
  });

  it('raises no FailureRouting error in any stack', () => {
    for (const stack of [stage.stacks.stateful, stage.stacks.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('FailureRouting'))).toEqual([]);
    }
  });
});

describe('FailureRoutingChecks', () => {
  /** A stack under the Aspect, with a function, a bus and a streamed table to wire badly or well. */
  const fixture = () => {
    const app = new App();
    const stack = new Stack(app, 'Wiring', { env: { region: 'ap-southeast-1' } });
    Aspects.of(stack).add(new FailureRoutingChecks());
    const fn = new LambdaFn(stack, 'Consumer', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => {};'),
    });
    const bus = new EventBus(stack, 'Bus');
    const table = new Table(stack, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      stream: StreamViewType.NEW_IMAGE,
    });
    return { app, stack, fn, bus, table, dlq: (id: string) => new Queue(stack, id) };
  };

  const errorsOf = (stack: Stack): string[] =>
    Annotations.fromStack(stack)
      .findError('*', Match.stringLikeRegexp('FailureRouting'))
      .map((message) => String(message.entry.data));

  it('fails synthesis on a rule whose target has no DLQ (and no retry policy, and a function with no on-failure destination)', () => {
    const { app, stack, fn, bus } = fixture();
    new Rule(stack, 'NoDlq', { eventBus: bus, eventPattern: { source: ['test'] }, targets: [new LambdaFunction(fn)] });

    const errors = errorsOf(stack);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rule Wiring\/NoDlq\/Resource target .* has no DeadLetterConfig/),
        expect.stringMatching(/rule Wiring\/NoDlq\/Resource target .* has no RetryPolicy/),
        expect.stringMatching(/function Wiring\/Consumer\/Resource is invoked asynchronously .* no EventInvokeConfig/),
      ]),
    );
    expect(errors.every((e) => e.startsWith(FAILURE_ROUTING))).toBe(true);
    // What makes `cdk synth` / `cdk deploy` exit non-zero: error messages in the cloud assembly.
    const levels = app.synth().getStackArtifact(stack.artifactId).messages.map((m) => m.level);
    expect(levels).toContain('error');
  });

  it('catches a hand-written CfnRule too', () => {
    const { stack, bus, dlq } = fixture();
    new CfnRule(stack, 'Raw', {
      eventBusName: bus.eventBusName,
      eventPattern: { source: ['test'] },
      targets: [{ id: 'queue', arn: dlq('Target').queueArn, retryPolicy: { maximumRetryAttempts: 2 } }],
    });
    expect(errorsOf(stack)).toEqual([expect.stringMatching(/rule Wiring\/Raw target queue has no DeadLetterConfig/)]);
  });

  it('fails a stream mapping without bisect, ReportBatchItemFailures or an on-failure destination', () => {
    const { stack, fn, table } = fixture();
    fn.addEventSource(new DynamoEventSource(table, { startingPosition: StartingPosition.TRIM_HORIZON }));
    const errors = errorsOf(stack);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/does not bisect a failing batch/),
        expect.stringMatching(/lacks FunctionResponseTypes ReportBatchItemFailures/),
        expect.stringMatching(/has no DestinationConfig.OnFailure/),
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('fails a schedule without a DLQ or retry policy, and its target function without an on-failure destination', () => {
    const { stack, fn } = fixture();
    new Schedule(stack, 'Hourly', { schedule: ScheduleExpression.rate(Duration.hours(1)), target: new LambdaInvoke(fn, {}) });
    expect(errorsOf(stack)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/schedule Wiring\/Hourly\/Resource target has no DeadLetterConfig/),
        expect.stringMatching(/function Wiring\/Consumer\/Resource is invoked asynchronously \(schedule/),
      ]),
    );
  });

  it('passes the same wiring done right', () => {
    const { stack, fn, bus, table, dlq } = fixture();
    new Rule(stack, 'Routed', {
      eventBus: bus,
      eventPattern: { source: ['test'] },
      targets: [new LambdaFunction(fn, { retryAttempts: 3, maxEventAge: Duration.hours(1), deadLetterQueue: dlq('RuleDlq') })],
    });
    new Schedule(stack, 'Hourly', {
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(fn, { retryAttempts: 3, deadLetterQueue: dlq('ScheduleDlq') }),
    });
    fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(dlq('AsyncDlq')) });
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(dlq('StreamDlq')),
      }),
    );
    expect(errorsOf(stack)).toEqual([]);
  });

  it('leaves other annotations alone', () => {
    const { stack } = fixture();
    CoreAnnotations.of(stack).addWarningV2('test:unrelated', 'not a failure-routing finding');
    expect(errorsOf(stack)).toEqual([]);
  });
});
