/**
 * The CDK app: per stage, a stateful stack (table, bus, secrets) and a
 * stateless stack (functions, API, rules, streams, schedules) built from the
 * wiring manifest. bin/app.ts picks the stages; tests call buildStage directly.
 */
import { Tags, type App } from 'aws-cdk-lib';
import type { StageConfig } from './config/stages.js';
import { manifest as defaultManifest, type Manifest } from './manifest.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';

export interface StageStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/** `Xborder-<stage>-Stateful` / `Xborder-<stage>-Stateless`. */
export const stackName = (stage: string, kind: 'Stateful' | 'Stateless'): string => `Xborder-${stage}-${kind}`;

export const buildStage = (app: App, config: StageConfig, manifest: Manifest = defaultManifest): StageStacks => {
  const env = { account: config.account, region: config.region };
  const stateful = new StatefulStack(app, stackName(config.name, 'Stateful'), {
    env,
    stage: config.name,
    removalPolicy: config.removalPolicy,
    pointInTimeRecovery: config.pointInTimeRecovery,
  });
  const stateless = new StatelessStack(app, stackName(config.name, 'Stateless'), {
    env,
    stage: config.name,
    stateful,
    manifest,
    apiThrottle: config.apiThrottle,
    logRetention: config.logRetention,
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'xborder');
    Tags.of(stack).add('stage', config.name);
  }
  return { stateful, stateless };
};

export const buildApp = (app: App, stages: readonly StageConfig[]): StageStacks[] =>
  stages.map((config) => buildStage(app, config));
