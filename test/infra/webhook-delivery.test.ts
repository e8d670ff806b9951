/**
 * The merchant webhook delivery path as CDK builds it from the manifest's queue: the
 * EventBridge rule feeding the delivery queue (with its own retry policy and DLQ), the
 * queue's redrive to a dead-letter queue, the alarms on both, the dispatcher's event
 * source mapping with partial batch responses, and grants that let only the dispatcher
 * read the queue and only EventBridge (this rule) write to it.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { manifest } from '../../lib/manifest.js';
import { functionLogicalId, synthStage } from './synth.js';
import { actionsOf, arnOf, at, resourcesOf, resourcesOfType, roleStatements, statementsIn } from './templates.js';

const [spec] = manifest.queues;
if (!spec) throw new Error('the manifest has no webhook delivery queue');
const stage = synthStage();
const template = stage.stateless;
const json = (value: unknown): string => JSON.stringify(value) ?? '';

const queues = resourcesOfType(template, 'AWS::SQS::Queue');
const deliveryQueue = queues.find(([id]) => id.startsWith(`Queue${spec.name}`) && !id.includes('Dlq') && !id.includes('Oldest'));
const dlq = queues.find(([id]) => id.startsWith(`Queue${spec.name}Dlq`));
if (!deliveryQueue || !dlq) throw new Error(`queue ${spec.name} or its DLQ is not in the template`);
const [queueId, queueResource] = deliveryQueue;
const [dlqId] = dlq;

describe(`delivery queue ${spec.name}`, () => {
  it('is encrypted, redrives to its dead-letter queue, and outlives the consumer timeout six times', () => {
    const props = queueResource;
    expect(props).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: spec.visibilityTimeoutSeconds,
      RedrivePolicy: { deadLetterTargetArn: arnOf(dlqId), maxReceiveCount: spec.maxReceiveCount },
    });
    const timeout = stage.manifest.functions[spec.function]?.timeoutSeconds ?? 10;
    expect(spec.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * timeout);
    // TLS only, on the queue and its DLQ.
    const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy').filter(([, r]) => json(r).includes(queueId));
    expect(json(policies)).toContain('aws:SecureTransport');
  });

  it('is fed by an EventBridge rule on the bus for WebhookDeliveryScheduled, with retries and a DLQ of its own', () => {
    expect(() =>
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: [...spec.fedBy.source], 'detail-type': [...spec.fedBy.detailTypes] },
        Targets: [
          Match.objectLike({
            Arn: arnOf(queueId),
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^Rule${spec.name}QueueDlq`), 'Arn'] }) },
          }),
        ],
      }),
    ).not.toThrow();
  });

  it('lets only EventBridge send to it, and only from its rule', () => {
    const sends = resourcesOfType(template, 'AWS::SQS::QueuePolicy')
      .flatMap(([, r]) => statementsIn(r))
      .filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.startsWith('sqs:Send')) && json(resourcesOf(s)).includes(`"${queueId}"`));
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ Principal: { Service: 'events.amazonaws.com' } });
    expect(json(at(sends[0], 'Condition'))).toContain(`Rule${spec.name}Queue`);
    // No function role may send to the delivery queue: deliveries only enter through the outbox and the rule.
    for (const name of Object.keys(stage.manifest.functions)) {
      const toQueue = roleStatements(template, name).filter((s) => json(resourcesOf(s)).includes(`"${queueId}"`));
      expect(toQueue.flatMap(actionsOf).filter((a) => a.startsWith('sqs:Send'))).toEqual([]);
    }
  });

  it('feeds the dispatcher through an event source mapping with partial batch responses', () => {
    expect(() =>
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: arnOf(queueId),
        FunctionName: { Ref: functionLogicalId(template, spec.function) },
        BatchSize: spec.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ).not.toThrow();
  });

  it('lets the dispatcher, and no other function, receive from the queue', () => {
    const readers = Object.keys(stage.manifest.functions).filter((name) =>
      roleStatements(template, name).some((s) => json(resourcesOf(s)).includes(`"${queueId}"`) && actionsOf(s).includes('sqs:ReceiveMessage')),
    );
    expect(readers).toEqual([spec.function]);
    const dispatcher = roleStatements(template, spec.function).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:')));
    for (const statement of dispatcher) expect(resourcesOf(statement)).toEqual([arnOf(queueId)]);
    expect(dispatcher.flatMap(actionsOf).sort()).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    // The dispatcher publishes nothing on the bus itself: its events go through the outbox.
    expect(roleStatements(template, spec.function).flatMap(actionsOf)).not.toContain('events:PutEvents');
  });

  it('alarms when a message waits too long, and when anything reaches either dead-letter queue', () => {
    expect(() =>
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Namespace: 'AWS/SQS',
        Threshold: spec.maxMessageAgeSeconds,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        AlarmActions: Match.anyValue(),
      }),
    ).not.toThrow();
    const failureAlarms = resourcesOfType(stage.monitoring, 'AWS::CloudWatch::Alarm').map(([, r]) => json(r.AlarmName));
    expect(failureAlarms.join(' ')).toContain(`FailureQueue-Queue${spec.name}`);
    expect(failureAlarms.join(' ')).toContain(`FailureQueue-Rule${spec.name}Queue`);
  });

  it('sweeps due retries back onto the queue every minute', () => {
    expect(() =>
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 minute)',
        Target: Match.objectLike({ Arn: arnOf(functionLogicalId(template, 'retryWebhookDeliveries')) }),
      }),
    ).not.toThrow();
  });
});
