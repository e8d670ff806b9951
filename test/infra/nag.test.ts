/**
 * cdk-nag: the AwsSolutions and Serverless packs find nothing unacknowledged
 * (errors or warnings) in any stage, and every acknowledgement sits on a
 * resource (never a whole stack) with a reason of its own.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { nagFindings, synthAllStages } from './synth.js';

const all = [...synthAllStages()];

interface Acknowledgement {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
  readonly onStack: boolean;
}

const acknowledgementsUnder = (root: IConstruct): Acknowledgement[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([rule, reason]) => ({
        path: construct.node.path,
        rule: rule.replace(/^annotation::/i, ''),
        reason,
        onStack: Stack.isStack(construct),
      })),
  );

/** The findings acknowledged anywhere, and why each is acceptable (the reasons are per resource). */
const ACKNOWLEDGEABLE = [
  /^AwsSolutions-SMG4$/, // secrets without a rotation Lambda: Stripe-issued or re-sealing keys
  /^AwsSolutions-DDB3$/, // dev only: disposable data without PITR
  /^AwsSolutions-APIG4$/, // authorization in the function (ADR 0002) or signed webhooks
  /^AwsSolutions-SQS3$/, // the dead-letter queues themselves
  /^Serverless-SQSRedrivePolicy$/, // idem
  /^Serverless-LambdaDLQ$/, // synchronous, stream or EventInvokeConfig-routed functions
  /^Serverless-LambdaEventSourceMappingDestination$/, // SQS mappings: the queue's redrive policy is the failure path
  /^AwsSolutions-IAM5\[Resource::\*\]$/, // X-Ray, ListStreams
  /^AwsSolutions-IAM5\[Resource::<[A-Za-z0-9]+\.Arn>:\*\]$/, // a schedule role's grantInvoke on versions
];

describe.each(all)('stage %s', (_name, stage) => {
  it('has no unacknowledged AwsSolutions or Serverless finding, error or warning', () => {
    expect(nagFindings(stage)).toEqual([]);
  });

  it('acknowledges findings on resources only, each with a reason that says why here', () => {
    const acknowledgements = acknowledgementsUnder(stage.app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, rule, reason, onStack } of acknowledgements) {
      expect({ path, onStack }).toEqual({ path, onStack: false });
      expect(ACKNOWLEDGEABLE.some((pattern) => pattern.test(rule))).toBe(true);
      expect(reason.length).toBeGreaterThanOrEqual(60);
    }
  });
});

describe('the nag harness', () => {
  it('does report findings (a queue without TLS enforcement or DLQ)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Bad'), 'Plain');
    const rules = [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
      pack.validateScope(app).violations.map((v) => v.ruleName),
    );
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4', 'Serverless-SQSRedrivePolicy']));
  });
});
