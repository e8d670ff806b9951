/**
 * Synthesizes one stage for CDK assertions, with bundling skipped (the
 * `aws:cdk:bundling-stacks` context set to none) so tests never run esbuild,
 * and with the feature flags of cdk.json so tests see what `cdk synth` does.
 *
 * Also: template lookups by manifest name, for any test that compares the
 * manifest with the synthesized template.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildStage, type StageStacks } from '../../lib/app.js';
import { stages, type StageConfig } from '../../lib/config/stages.js';
import { projectRoot } from '../../lib/paths.js';
import type { Manifest } from '../../lib/manifest.js';
import { FUNCTION_TAG } from '../../lib/stacks/stateless-stack.js';

export interface SynthesizedStage {
  readonly app: App;
  readonly stacks: StageStacks;
  readonly stateful: Template;
  readonly stateless: Template;
  /** The stateless stack's nested stack of alarms and the dashboard. */
  readonly monitoring: Template;
  /** The stateless stack's nested stack of the HTTP API, its routes, integrations and invoke permissions (ADR 0041). */
  readonly api: Template;
  /** The manifest as the stage deploys it (a stage without payments has fewer functions). */
  readonly manifest: Manifest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `context` of cdk.json (feature flags). */
const cdkJsonContext = (): Record<string, unknown> => {
  const json: unknown = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8'));
  return isRecord(json) && isRecord(json.context) ? json.context : {};
};

export const synthStage = (stage: StageConfig = stages.dev, manifest?: Manifest): SynthesizedStage => {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildStage(app, stage, manifest);
  return {
    app,
    stacks,
    stateful: Template.fromStack(stacks.stateful),
    stateless: Template.fromStack(stacks.stateless),
    monitoring: Template.fromStack(stacks.stateless.monitoringStack),
    api: Template.fromStack(stacks.stateless.apiStack),
    manifest: stacks.manifest,
  };
};

/** Every stage of lib/config/stages.ts, synthesized once per test file that asks. */
export const synthAllStages = (): ReadonlyMap<string, SynthesizedStage> =>
  new Map(Object.values(stages).map((stage) => [stage.name, synthStage(stage)]));

export interface NagFinding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

/**
 * The cdk-nag AwsSolutions and Serverless findings (errors and warnings) that no
 * acknowledgement (`Validations.of(construct).acknowledge`) covers, over the whole app.
 */
export const nagFindings = (synthesized: SynthesizedStage): NagFinding[] =>
  [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack.validateScope(synthesized.app).violations.map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity ?? 'error',
      paths: violation.violatingResources.map((resource) => resource.constructPath ?? ''),
    })),
  );

/**
 * What a `{ Ref: parameter }` of a nested template (API, monitoring) is in the
 * stateless template: the value the parent passes to that parameter. Anything
 * else is returned as it is.
 */
export const inParent = (stage: SynthesizedStage, value: unknown): unknown => {
  const ref = isRecord(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
  if (ref === undefined) return value;
  const nested = Object.values(stage.stateless.findResources('AWS::CloudFormation::Stack'));
  const passed = nested.map((stack) => (isRecord(stack) && isRecord(stack.Properties) && isRecord(stack.Properties.Parameters) ? stack.Properties.Parameters[ref] : undefined));
  return passed.find((v) => v !== undefined) ?? value;
};

/**
 * What a parent's `{ Fn::GetAtt: [nestedStack, 'Outputs.X'] }` is inside the nested
 * API or monitoring template: the Value of its output X. Anything else is returned as it is.
 */
export const fromNestedOutput = (stage: SynthesizedStage, value: unknown): unknown => {
  const getAtt: unknown = isRecord(value) ? value['Fn::GetAtt'] : undefined;
  const attribute: unknown = Array.isArray(getAtt) ? getAtt[1] : undefined;
  if (typeof attribute !== 'string' || !attribute.startsWith('Outputs.')) return value;
  const name = attribute.slice('Outputs.'.length);
  const output: unknown = [stage.api, stage.monitoring].map((t) => t.findOutputs(name)[name]).find((o) => o !== undefined);
  return isRecord(output) ? output.Value : value;
};

/** Manifest function name -> logical id of its AWS::Lambda::Function (found by the `xborder:function` tag). */
export const functionLogicalIds = (template: Template): Map<string, string> => {
  const ids = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
    const tags: unknown = isRecord(resource) && isRecord(resource.Properties) ? resource.Properties.Tags : undefined;
    const tag = Array.isArray(tags) ? tags.find((t: unknown) => isRecord(t) && t.Key === FUNCTION_TAG) : undefined;
    if (isRecord(tag) && typeof tag.Value === 'string') ids.set(tag.Value, logicalId);
  }
  return ids;
};

export const functionLogicalId = (template: Template, name: string): string => {
  const id = functionLogicalIds(template).get(name);
  if (id === undefined) throw new Error(`No AWS::Lambda::Function tagged ${FUNCTION_TAG}=${name}`);
  return id;
};

/** The logical id of the output holding the API base URL (CfnOutput `ApiUrl`). */
export const API_URL_OUTPUT = 'ApiUrl';
