/**
 * Failure routing, enforced: an Aspect that fails synthesis (an error annotation,
 * which `cdk synth` and `cdk deploy` refuse) when an asynchronous path can lose
 * an event without a trace:
 *
 * - an EventBridge rule target without a retry policy or a dead-letter queue;
 * - a stream event source mapping (DynamoDB, Kinesis) without bisect-on-error,
 *   ReportBatchItemFailures or an on-failure destination;
 * - an EventBridge Scheduler schedule target without a retry policy or a
 *   dead-letter queue;
 * - a Lambda function that a rule or schedule invokes (asynchronously) without an
 *   EventInvokeConfig whose on-failure destination catches the function's own failures.
 *
 * It checks the L1 resources, so it catches hand-written CfnRule & co. as well as
 * L2 constructs. Targets it cannot tie to a function of the same stack (imported
 * ARNs, aliases) are only checked for their own retry policy and DLQ.
 */
import { Annotations, CfnResource, Stack, type IAspect } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { CfnEventInvokeConfig, CfnEventSourceMapping, CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { IConstruct } from 'constructs';

/** Every error this Aspect raises starts with this, so tests and operators can find them. */
export const FAILURE_ROUTING = '[FailureRouting]';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);

/** The logical id a resolved `{ Ref }` or `{ Fn::GetAtt: [id, 'Arn'] }` points at. */
const referencedId = (value: unknown): string | undefined => {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

export class FailureRoutingChecks implements IAspect {
  visit(node: IConstruct): void {
    if (Stack.isStack(node)) new StackCheck(node).run();
  }
}

class StackCheck {
  private readonly resources: CfnResource[];
  /** Function logical id -> function. */
  private readonly functions = new Map<string, CfnFunction>();
  /** Function logical id -> what invokes it asynchronously (for the message). */
  private readonly asyncInvokers = new Map<string, string[]>();

  constructor(private readonly stack: Stack) {
    this.resources = stack.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    for (const fn of this.resources.filter((r): r is CfnFunction => r instanceof CfnFunction)) {
      this.functions.set(this.stack.resolve(fn.logicalId) as string, fn);
    }
  }

  run(): void {
    for (const resource of this.resources) {
      if (resource instanceof CfnRule) this.checkRule(resource);
      else if (resource instanceof CfnSchedule) this.checkSchedule(resource);
      else if (resource instanceof CfnEventSourceMapping) this.checkMapping(resource);
    }
    this.checkAsyncTargets();
  }

  private error(node: IConstruct, message: string): void {
    Annotations.of(node).addError(`${FAILURE_ROUTING} ${message}`);
  }

  private asyncTarget(arn: unknown, invoker: string): void {
    const id = referencedId(arn);
    if (id === undefined || !this.functions.has(id)) return;
    this.asyncInvokers.set(id, [...(this.asyncInvokers.get(id) ?? []), invoker]);
  }

  private checkRule(rule: CfnRule): void {
    const targets: unknown = this.stack.resolve(rule.targets);
    for (const target of Array.isArray(targets) ? targets : []) {
      const name = `rule ${rule.node.path} target ${String(field(target, 'id'))}`;
      if (field(target, 'retryPolicy') === undefined) this.error(rule, `${name} has no RetryPolicy`);
      if (field(target, 'deadLetterConfig', 'arn') === undefined) this.error(rule, `${name} has no DeadLetterConfig (SQS DLQ)`);
      this.asyncTarget(field(target, 'arn'), name);
    }
  }

  private checkSchedule(schedule: CfnSchedule): void {
    const target: unknown = this.stack.resolve(schedule.target);
    const name = `schedule ${schedule.node.path}`;
    if (field(target, 'retryPolicy') === undefined) this.error(schedule, `${name} target has no RetryPolicy`);
    if (field(target, 'deadLetterConfig', 'arn') === undefined) this.error(schedule, `${name} target has no DeadLetterConfig (SQS DLQ)`);
    this.asyncTarget(field(target, 'arn'), name);
  }

  /** Stream mappings only (they have a starting position); an SQS source's failures are its queue's redrive policy. */
  private checkMapping(mapping: CfnEventSourceMapping): void {
    if (this.stack.resolve(mapping.startingPosition) === undefined) return;
    const name = `stream mapping ${mapping.node.path}`;
    if (this.stack.resolve(mapping.bisectBatchOnFunctionError) !== true) {
      this.error(mapping, `${name} does not bisect a failing batch (BisectBatchOnFunctionError)`);
    }
    const responseTypes: unknown = this.stack.resolve(mapping.functionResponseTypes);
    if (!Array.isArray(responseTypes) || !responseTypes.includes('ReportBatchItemFailures')) {
      this.error(mapping, `${name} lacks FunctionResponseTypes ReportBatchItemFailures`);
    }
    if (field(this.stack.resolve(mapping.destinationConfig), 'onFailure', 'destination') === undefined) {
      this.error(mapping, `${name} has no DestinationConfig.OnFailure`);
    }
  }

  private checkAsyncTargets(): void {
    const withFailureDestination = new Set(
      this.resources
        .filter((r): r is CfnEventInvokeConfig => r instanceof CfnEventInvokeConfig)
        .filter((config) => field(this.stack.resolve(config.destinationConfig), 'onFailure', 'destination') !== undefined)
        .filter((config) => config.qualifier === '$LATEST')
        .map((config) => referencedId(this.stack.resolve(config.functionName))),
    );
    for (const [id, invokers] of this.asyncInvokers) {
      const fn = this.functions.get(id);
      if (fn && !withFailureDestination.has(id)) {
        this.error(
          fn,
          `function ${fn.node.path} is invoked asynchronously (${invokers.join('; ')}) but has no EventInvokeConfig with an on-failure destination`,
        );
      }
    }
  }
}
