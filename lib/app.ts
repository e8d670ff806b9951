/**
 * The CDK app: per stage, a stateful stack (table, bus, secrets, alarm topic)
 * and a stateless stack (functions, API, rules, streams, schedules, alarms,
 * dashboard) built from the wiring manifest as the stage deploys it
 * (lib/config/residency.ts). bin/app.ts picks the stages; tests call
 * buildStage directly.
 */
import { Aspects, Tags, type App } from 'aws-cdk-lib';
import { FailureRoutingChecks } from './aspects/failure-routing.js';
import { manifestForStage, secretsUsed } from './config/residency.js';
import { reservedConcurrencyOf, type StageConfig } from './config/stages.js';
import { manifest as defaultManifest, type Manifest } from './manifest.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';

export interface StageStacks {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** The manifest as this stage deploys it. */
  readonly manifest: Manifest;
}

/** `Xborder-<stage>-Stateful` / `Xborder-<stage>-Stateless`. */
export const stackName = (stage: string, kind: 'Stateful' | 'Stateless'): string => `Xborder-${stage}-${kind}`;

/** Manifest function name -> reserved concurrency, for the functions the stage reserves any for. */
const reservations = (config: StageConfig, manifest: Manifest): Record<string, number> =>
  Object.fromEntries(
    Object.keys(manifest.functions).flatMap((name) => {
      const reserved = reservedConcurrencyOf(name, config);
      return reserved === undefined ? [] : [[name, reserved] as const];
    }),
  );

export const buildStage = (app: App, config: StageConfig, fullManifest: Manifest = defaultManifest): StageStacks => {
  const manifest = manifestForStage(fullManifest, config);
  const env = { account: config.account, region: config.region };
  const stateful = new StatefulStack(app, stackName(config.name, 'Stateful'), {
    env,
    stage: config.name,
    removalPolicy: config.removalPolicy,
    pointInTimeRecovery: config.pointInTimeRecovery,
    deletionProtection: config.deletionProtection,
    tableEncryption: config.tableEncryption,
    archiveRetentionDays: config.archiveRetentionDays,
    secretNames: secretsUsed(manifest),
    alarmTopicArn: config.alarmTopicArn,
  });
  const stateless = new StatelessStack(app, stackName(config.name, 'Stateless'), {
    env,
    stage: config.name,
    stateful,
    manifest,
    apiThrottle: config.apiThrottle,
    logRetention: config.logRetention,
    reservedConcurrency: reservations(config, manifest),
  });
  for (const stack of [stateful, stateless]) {
    Tags.of(stack).add('project', 'xborder');
    Tags.of(stack).add('stage', config.name);
    // No event path without retries and a dead-letter destination: synthesis fails otherwise.
    Aspects.of(stack).add(new FailureRoutingChecks());
  }
  return { stateful, stateless, manifest };
};

export const buildApp = (app: App, stages: readonly StageConfig[]): StageStacks[] =>
  stages.map((config) => buildStage(app, config));
