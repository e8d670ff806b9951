/**
 * Stages, regions and data residency: every stage in lib/config/stages.ts
 * synthesizes with its own settings (throttling, reserved concurrency, log
 * retention), every function keeps the house runtime, the China stage lives in
 * the aws-cn partition without a single `arn:aws:` literal and without Stripe
 * (no payment route, function or secret), and the overseas production stage has
 * all of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { manifestForStage, paymentFunctions, paymentSecrets, usesPayments } from '../../lib/config/residency.js';
import { concurrencyGroups, partitionOf, reservedConcurrencyOf, stageConfig, webhookFunctions } from '../../lib/config/stages.js';
import { manifest, routeKey, secretEnv, type Manifest } from '../../lib/manifest.js';
import { projectRoot } from '../../lib/paths.js';
import { functionLogicalId, synthAllStages, type SynthesizedStage } from './synth.js';
import { at, environmentOf, propertiesOf, refId, resourcesOfType } from './templates.js';

const all = synthAllStages();
const synthesized = (name: string): SynthesizedStage => {
  const stage = all.get(name);
  if (!stage) throw new Error(`stage ${name} was not synthesized`);
  return stage;
};
const templatesOf = (stage: SynthesizedStage) => [stage.stateful, stage.stateless, stage.api, stage.monitoring];
const routeKeysOf = (stage: SynthesizedStage): unknown[] =>
  resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.RouteKey);

/** Every .ts file under a directory. */
const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourcesUnder(full) : entry.name.endsWith('.ts') ? [full] : [];
  });

describe('stage config', () => {
  it('has dev, an overseas prod with payments and a China prod without', () => {
    expect(stageConfig('dev')).toMatchObject({ payments: true });
    expect(stageConfig('prod')).toMatchObject({ payments: true, pointInTimeRecovery: true, deletionProtection: true });
    expect(partitionOf(stageConfig('prod'))).toBe('aws');
    expect(stageConfig('cn-prod')).toMatchObject({ payments: false, region: expect.stringMatching(/^cn-(north|northwest)-1$/) });
    expect(partitionOf(stageConfig('cn-prod'))).toBe('aws-cn');
  });

  it('names webhook functions the manifest has, and finds payout functions by name', () => {
    for (const name of webhookFunctions) expect(Object.keys(manifest.functions)).toContain(name);
    const payouts = Object.keys(manifest.functions).filter(concurrencyGroups.payouts);
    expect(payouts.length).toBeGreaterThan(0);
    expect(payouts.every((name) => /payout/i.test(name))).toBe(true);
  });

  it('refuses an unknown stage, listing the known ones', () => {
    expect(() => stageConfig('staging')).toThrow(/dev, prod, cn-prod/);
  });
});

describe.each([...all])('stage %s', (name, stage) => {
  const config = stageConfig(name);
  const functionNames = Object.keys(stage.manifest.functions);

  it('deploys both stacks to the stage region', () => {
    expect(stage.stacks.stateful.region).toBe(config.region);
    expect(stage.stacks.stateless.region).toBe(config.region);
  });

  it.each(functionNames)('%s runs on Node.js 24, arm64, with active tracing and the stage log retention', (fnName) => {
    const fn = stage.stateless.findResources('AWS::Lambda::Function')[functionLogicalId(stage.stateless, fnName)];
    expect(propertiesOf(fn)).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    const logGroupId = at(propertiesOf(fn), 'LoggingConfig', 'LogGroup', 'Ref');
    expect(propertiesOf(stage.stateless.findResources('AWS::Logs::LogGroup')[String(logGroupId)]).RetentionInDays).toBe(config.logRetention);
  });

  it('throttles the API stage and writes JSON access logs with the stage retention', () => {
    const [[, apiStage] = ['', {}]] = resourcesOfType(stage.api, 'AWS::ApiGatewayV2::Stage');
    expect(apiStage).toMatchObject({
      DefaultRouteSettings: { ThrottlingRateLimit: config.apiThrottle.rateLimit, ThrottlingBurstLimit: config.apiThrottle.burstLimit },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] }, Format: expect.any(String) },
    });
    const format: unknown = JSON.parse(String(at(apiStage, 'AccessLogSettings', 'Format')));
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    const logGroupId = String(refId(at(apiStage, 'AccessLogSettings', 'DestinationArn')));
    expect(propertiesOf(stage.api.findResources('AWS::Logs::LogGroup')[logGroupId]).RetentionInDays).toBe(config.logRetention);
  });

  it.each(functionNames)('%s has the reserved concurrency of its group in this stage', (fnName) => {
    const fn = stage.stateless.findResources('AWS::Lambda::Function')[functionLogicalId(stage.stateless, fnName)];
    expect(propertiesOf(fn).ReservedConcurrentExecutions).toBe(reservedConcurrencyOf(fnName, config));
  });

  it('never writes an arn:aws: literal in a China partition template', () => {
    for (const template of templatesOf(stage)) {
      const text = JSON.stringify(template.toJSON());
      if (partitionOf(config) === 'aws-cn') expect(text).not.toContain('arn:aws:');
      else expect(text).not.toContain('arn:aws-cn:');
    }
  });
});

describe('reserved concurrency', () => {
  it('reserves for the webhook and payout functions in production', () => {
    const prod = synthesized('prod');
    const reserved = resourcesOfType(prod.stateless, 'AWS::Lambda::Function')
      .filter(([, fn]) => fn.ReservedConcurrentExecutions !== undefined)
      .map(([id]) => id)
      .sort();
    const expected = Object.keys(prod.manifest.functions)
      .filter((fnName) => concurrencyGroups.webhooks(fnName) || concurrencyGroups.payouts(fnName))
      .map((fnName) => functionLogicalId(prod.stateless, fnName))
      .sort();
    expect(expected.length).toBeGreaterThan(webhookFunctions.length);
    expect(reserved).toEqual(expected);
  });

  it('leaves the account at least 100 unreserved executions of a 1,000 quota in every stage', () => {
    for (const [name, stage] of all) {
      const total = Object.keys(stage.manifest.functions).reduce((sum, fn) => sum + (reservedConcurrencyOf(fn, stageConfig(name)) ?? 0), 0);
      expect(total).toBeLessThanOrEqual(900);
    }
  });
});

describe('data residency (dual line)', () => {
  const prod = synthesized('prod');
  const china = synthesized('cn-prod');
  const payments = paymentFunctions(manifest);
  const paymentRoutes = manifest.routes.filter((route) => payments.includes(route.function)).map(routeKey);

  it('knows the payment functions by the Stripe secrets they read', () => {
    expect(payments.sort()).toEqual(['cancelOrder', 'createOrder', 'createRefund', 'stripeWebhook'].filter((f) => f in manifest.functions).sort());
    expect(paymentRoutes).toContain('POST /v1/webhooks/stripe');
  });

  it('serves the payment routes overseas and not in China', () => {
    expect(routeKeysOf(prod)).toEqual(expect.arrayContaining(paymentRoutes));
    for (const key of paymentRoutes) expect(routeKeysOf(china)).not.toContain(key);
    // ...while every other route is served in both.
    const others = manifest.routes.filter((route) => !payments.includes(route.function)).map(routeKey);
    expect(routeKeysOf(china).sort()).toEqual(others.sort());
  });

  it('deploys no payment function in China', () => {
    expect(Object.keys(china.manifest.functions).filter((fn) => usesPayments(fn, manifest))).toEqual([]);
    for (const fn of payments) expect(() => functionLogicalId(china.stateless, fn)).toThrow();
    for (const fn of payments) expect(() => functionLogicalId(prod.stateless, fn)).not.toThrow();
  });

  it('creates no Stripe secret in China, and no function there references one', () => {
    const described = (stage: SynthesizedStage) =>
      resourcesOfType(stage.stateful, 'AWS::SecretsManager::Secret').map(([, secret]) => String(secret.Description));
    for (const secret of paymentSecrets) {
      expect(described(prod).some((d) => d.endsWith(secretEnv[secret]))).toBe(true);
      expect(described(china).some((d) => d.endsWith(secretEnv[secret]))).toBe(false);
    }
    for (const fn of Object.keys(china.manifest.functions)) {
      expect(Object.keys(environmentOf(china.stateless, fn)).filter((key) => key.startsWith('STRIPE'))).toEqual([]);
    }
  });

  it('drops the rules, streams and schedules of payment functions with them', () => {
    const m: Manifest = {
      ...manifest,
      rules: [{ name: 'Paid', source: ['xborder.payments'], detailTypes: ['OrderPaid'], target: 'createRefund', retryAttempts: 1, maxEventAgeSeconds: 60 }],
      schedules: [{ name: 'Nightly', description: 'test', expression: 'rate(1 day)', timezone: 'UTC', function: 'cancelOrder' }],
    };
    const stage = manifestForStage(m, { payments: false });
    expect(stage.rules).toEqual([]);
    expect(stage.schedules).toEqual([]);
    expect(manifestForStage(m, { payments: true })).toBe(m);
  });

  it('has the China stage in the aws-cn partition', () => {
    expect(JSON.stringify(templatesOf(china).map((template) => template.toJSON()))).toContain('arn:aws-cn:');
  });

  it('has no arn:aws: literal in the CDK sources (lib/, bin/); ARNs come from formatArn and the partition', () => {
    // lib/local is the local runtime, not CDK: its fake Lambda context ARN never reaches a template.
    const sources = [...sourcesUnder(path.join(projectRoot, 'lib')), ...sourcesUnder(path.join(projectRoot, 'bin'))].filter(
      (file) => !file.includes(`${path.sep}lib${path.sep}local${path.sep}`),
    );
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((file) => readFileSync(file, 'utf8').includes('arn:aws:'))).toEqual([]);
  });
});
