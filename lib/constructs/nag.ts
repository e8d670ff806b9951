/**
 * cdk-nag acknowledgements, one at a time and always with the reason the finding
 * is acceptable here. cdk-nag 3 reads CDK's own acknowledgements
 * (`Validations.of(construct).acknowledge`), so the stacks need no cdk-nag import;
 * the checks run in the infra tests (test/infra/nag.test.ts) and on
 * `cdk synth -c nag=true`.
 *
 * An acknowledgement covers the construct and everything under it. Findings with a
 * detail are acknowledged one detail at a time: `AwsSolutions-IAM5[Resource::*]`.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const suppressNag = (construct: IConstruct, id: string, reason: string): void => {
  Validations.of(construct).acknowledge({ id, reason });
};
