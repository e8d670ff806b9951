import { Match } from 'aws-cdk-lib/assertions';
import { DeadLetterStore } from '../../lib/local/dead-letters.js';
import { LocalEventBus } from '../../lib/local/event-bus.js';
import type { Runtime } from '../../lib/local/runtime.js';
import { defaultRoutePath, manifest, routeKey, type Manifest } from '../../lib/manifest.js';
import { functionLogicalId, inParent, synthStage } from '../infra/synth.js';
import { request } from '../support/http.js';
import { startTestRuntime } from '../support/runtime.js';

// CDK and the local runtime are both generated from the manifest: this builds both from
// one manifest (the real one plus a fixture schedule) and checks each entry in each.
const testManifest: Manifest = {
  ...manifest,
  functions: { ...manifest.functions, echo: { entry: 'test/fixtures/echo-handler.ts', description: 'fixture', table: 'none' } },
  schedules: [
    ...manifest.schedules,
    { name: 'EchoHourly', description: 'fixture', expression: 'rate(1 hour)', timezone: 'Asia/Shanghai', function: 'echo', input: { hello: 'world' } },
  ],
};

const stage = synthStage(undefined, testManifest);
const { stateless, api } = stage;
let runtime: Runtime;
let stop: () => Promise<void>;
let adminKey: string;

beforeAll(async () => {
  ({ runtime, adminKey, stop } = await startTestRuntime('agreement', { manifest: testManifest, retryBaseMs: 1 }));
});

afterAll(async () => {
  await stop();
});

describe('manifest -> CDK and local runtime agree', () => {
  it.each(testManifest.routes.map((r) => [routeKey(r), r] as const))('route %s exists in the HTTP API and is served locally', async (key, route) => {
    // The HTTP API lives in its nested stack; each integration's function ARN is passed in by the parent.
    const fnId = functionLogicalId(stateless, route.function);
    const integrations = Object.values(api.findResources('AWS::ApiGatewayV2::Integration')).filter((i) =>
      JSON.stringify(inParent(stage, (i as { Properties: { IntegrationUri: unknown } }).Properties.IntegrationUri)).includes(fnId),
    );
    expect(integrations.length).toBeGreaterThan(0);
    api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: key,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: Match.anyValue() }]] },
    });

    const path = route.path === defaultRoutePath ? '/no/such/route' : route.path.replace(/\{\w+\+?\}/g, 'x');
    const method = route.method === 'ANY' ? 'DELETE' : route.method;
    const reply = await fetch(`${runtime.url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}` } });
    // Only requests that reached a manifest handler carry API Gateway's request id header.
    expect(reply.headers.get('apigw-requestid')).not.toBeNull();
    if (route.path === defaultRoutePath) expect(await reply.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each(testManifest.rules.map((r) => [r.name, r] as const))('rule %s exists on the bus and routes locally to its target', async (_, rule) => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [...rule.source], 'detail-type': [...rule.detailTypes] },
      Targets: Match.arrayWith([
        Match.objectLike({ Arn: { 'Fn::GetAtt': [functionLogicalId(stateless, rule.target), 'Arn'] }, DeadLetterConfig: Match.anyValue() }),
      ]),
    });
    const invoked: string[] = [];
    const bus = new LocalEventBus({
      busName: 'b',
      manifest: testManifest,
      deadLetters: new DeadLetterStore(),
      invoke: async (name) => {
        invoked.push(name);
      },
    });
    for (const detailType of rule.detailTypes) bus.put({ Source: rule.source[0], DetailType: detailType, Detail: '{}' });
    bus.put({ Source: 'xborder.unknown', DetailType: 'NothingMatches', Detail: '{}' });
    await bus.idle();
    // Every rule matching (source, detail-type) runs: an audited event also reaches recordAudit.
    const matching = (detailType: string) =>
      testManifest.rules.filter((r) => (r.source as readonly string[]).includes(rule.source[0] ?? '') && (r.detailTypes as readonly string[]).includes(detailType));
    expect([...invoked].sort()).toEqual(rule.detailTypes.flatMap((t) => matching(t).map((r) => r.target)).sort());
    expect(invoked.filter((name) => name === rule.target)).toHaveLength(rule.detailTypes.length);
  });

  it.each(testManifest.streams.map((s) => [s.name, s] as const))('stream consumer %s is mapped with its filter, and runs locally', async (_, stream) => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionLogicalId(stateless, stream.function) },
      FilterCriteria: { Filters: Match.arrayWith([Match.objectLike({ Pattern: Match.stringLikeRegexp(stream.filter.entities[0] ?? '') })]) },
    });
    const before = runtime.bus.recent().length;
    await request(runtime.url, 'POST', '/v1/admin/api-keys', { key: adminKey, body: { role: 'finance' } });
    await runtime.settle();
    expect(runtime.bus.recent().length).toBeGreaterThan(before);
  });

  it.each(testManifest.schedules.map((s) => [s.name, s] as const))('schedule %s exists in Scheduler and runs on demand locally', async (name, schedule) => {
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [functionLogicalId(stateless, schedule.function), 'Arn'] } }),
    });
    const reply = await request(runtime.url, 'POST', `/local/schedules/${name}`, { key: adminKey });
    expect(reply.status).toBe(200);
    expect(reply.body.schedule).toBe(name);
    // The fixture echoes its input: proof the schedule's input reached its function.
    if (schedule.function === 'echo') expect(reply.body.result).toEqual({ received: schedule.input });
    const unknown = await request(runtime.url, 'POST', '/local/schedules/NoSuchSchedule', { key: adminKey });
    expect(unknown.status).toBe(404);
  });
});
