/**
 * Least privilege, statement by statement, in every stage: no wildcard action,
 * `Resource: '*'` only where AWS offers no resource, table access on the table
 * and its named indexes only (and its key, through DynamoDB, when the stage has
 * a customer-managed key), PutEvents only on the bus for the function's own
 * sources, each secret readable only by the functions that read it, and no
 * secret value in any environment.
 */
import { CfnElement } from 'aws-cdk-lib';
import { secretEnv, secretsOf, type SecretName } from '../../lib/manifest.js';
import { tableDefinition } from '../../lib/table.js';
import { synthAllStages } from './synth.js';
import { actionsOf, environmentOf, isRecord, resourcesOf, roleStatements, statementsIn } from './templates.js';

const stages = [...synthAllStages()];

/** The only actions AWS lets (or makes) us grant on `Resource: '*'`. */
const STAR_RESOURCE_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams']);

const TABLE_ITEM_ACTIONS = /^dynamodb:(Get|BatchGet|Query|ConditionCheck|Put|Update|Delete|BatchWrite|DescribeTable)/;

const json = (value: unknown): string => JSON.stringify(value) ?? '';

describe.each(stages)('stage %s', (_name, stage) => {
  const functionNames = Object.keys(stage.manifest.functions);
  const statements = statementsIn(stage.stateless.toJSON());
  const allowed = statements.filter((s) => s.Effect === 'Allow');

  it('grants no wildcard action in the stateless stack', () => {
    expect(allowed.length).toBeGreaterThan(functionNames.length); // the walker finds them
    expect(allowed.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });

  it("allows Resource '*' only for actions that have no resource", () => {
    const onStar = allowed.filter((s) => resourcesOf(s).includes('*'));
    expect(onStar.length).toBeGreaterThan(0); // X-Ray, at least
    for (const statement of onStar) {
      expect(actionsOf(statement).filter((action) => !STAR_RESOURCE_ACTIONS.has(action))).toEqual([]);
    }
  });

  it('keeps wildcard actions in the stateful stack to the KMS key policy delegating to IAM', () => {
    const wildcards = statementsIn(stage.stateful.toJSON()).filter(
      (s) => s.Effect === 'Allow' && actionsOf(s).some((a) => a.includes('*')),
    );
    // The default key policy: the account (root) may use the key as far as IAM policies allow.
    // It grants nothing itself; the functions' IAM statements above name their actions.
    for (const statement of wildcards) {
      expect(statement).toMatchObject({ Action: 'kms:*', Principal: { AWS: expect.anything() }, Resource: '*' });
      expect(json(statement.Principal)).toMatch(/:root/);
    }
    expect(wildcards).toHaveLength(stage.stacks.stateful.table.encryptionKey ? 1 : 0);
  });

  it.each(functionNames.filter((name) => stage.manifest.functions[name]?.table !== 'none'))(
    '%s reaches the table and its named indexes only, never Scan, never index/*',
    (name) => {
      const tableStatements = roleStatements(stage.stateless, name).filter((s) => actionsOf(s).some((a) => TABLE_ITEM_ACTIONS.test(a)));
      expect(tableStatements).toHaveLength(1);
      const [statement] = tableStatements;
      const resources = resourcesOf(statement ?? {}).map(json);
      expect(resources).toHaveLength(1 + tableDefinition.globalSecondaryIndexes.length);
      for (const index of tableDefinition.globalSecondaryIndexes) {
        expect(resources.some((r) => r.includes(`/index/${index.indexName}"`))).toBe(true);
      }
      expect(resources.some((r) => r.includes('index/*'))).toBe(false);
      const writes = stage.manifest.functions[name]?.table === 'write';
      expect(actionsOf(statement ?? {}).includes('dynamodb:PutItem')).toBe(writes);
      expect(actionsOf(statement ?? {})).not.toContain('dynamodb:Scan');
    },
  );

  it.each(functionNames)('%s uses the table key only through DynamoDB, and only if the stage has one', (name) => {
    const kms = roleStatements(stage.stateless, name).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    const key = stage.stacks.stateful.table.encryptionKey;
    const table = stage.manifest.functions[name]?.table;
    const streams = stage.manifest.streams.some((s) => s.function === name);
    if (!key) {
      expect(kms).toEqual([]);
      return;
    }
    const viaDynamo = kms.filter((s) => json(s.Condition).includes('kms:ViaService'));
    expect(viaDynamo).toHaveLength(table === 'none' ? 0 : 1);
    for (const statement of viaDynamo) {
      expect(json(statement.Condition)).toMatch(/dynamodb\.[a-z0-9-]+\./);
      expect(actionsOf(statement).includes('kms:Encrypt')).toBe(table === 'write');
    }
    // The stream consumer decrypts stream records (CDK's stream grant): Decrypt and DescribeKey only.
    const streamKey = kms.filter((s) => !viaDynamo.includes(s));
    expect(streamKey.flatMap(actionsOf).sort()).toEqual(streams ? ['kms:Decrypt', 'kms:DescribeKey'] : []);
  });

  it.each(functionNames)('%s may put events only on the bus, for its own sources, if it publishes at all', (name) => {
    const puts = roleStatements(stage.stateless, name).filter((s) => actionsOf(s).includes('events:PutEvents'));
    const publishes = stage.manifest.functions[name]?.publishes;
    if (!publishes) {
      expect(puts).toEqual([]);
      return;
    }
    expect(puts).toEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: { 'Fn::ImportValue': expect.stringMatching(/Bus/) },
        Condition: { StringEquals: { 'events:source': [...publishes] } },
      },
    ]);
  });

  describe('secrets', () => {
    const secrets = Object.entries(stage.stacks.stateful.secrets).map(([name, secret]) => {
      const resource = secret?.node.defaultChild;
      if (!(resource instanceof CfnElement)) throw new Error(`secret ${name} has no CloudFormation resource`);
      return [name as SecretName, stage.stacks.stateful.getLogicalId(resource)] as const;
    });

    it('creates exactly the secrets the stage functions read', () => {
      const read = new Set(functionNames.flatMap((name) => secretsOf(name, stage.manifest)));
      expect(secrets.map(([name]) => name).sort()).toEqual([...read].sort());
    });

    it.each(functionNames)('%s may read exactly the secrets secretsOf gives it', (name) => {
      const reads = roleStatements(stage.stateless, name).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
      const readable = secrets.filter(([, logicalId]) => reads.some((s) => json(resourcesOf(s)).includes(logicalId))).map(([secret]) => secret);
      expect(readable.sort()).toEqual(secretsOf(name, stage.manifest).sort());
      // Nothing else: every resource of those statements is one of the stage's secrets.
      for (const resource of reads.flatMap(resourcesOf)) {
        expect(secrets.some(([, logicalId]) => json(resource).includes(logicalId))).toBe(true);
      }
    });

    it.each(functionNames)('%s holds no secret value in its environment, only *_SECRET_ARN references', (name) => {
      const environment = environmentOf(stage.stateless, name);
      for (const [key, value] of Object.entries(environment)) {
        // The variables that would hold plain values locally are never set on AWS.
        expect(Object.values(secretEnv)).not.toContain(key);
        if (/SECRET|KEY|TOKEN|PASSWORD/i.test(key)) {
          expect(key).toMatch(/_SECRET_ARN$/);
          // A reference to the stateful stack's secret, not a literal.
          expect(isRecord(value) && 'Fn::ImportValue' in value).toBe(true);
        }
        if (typeof value === 'string') {
          expect(value).not.toMatch(/(sk|rk|pk)_(live|test)_|whsec_|xbk_/);
          expect(value).not.toMatch(/[A-Za-z0-9+/=_-]{32,}/); // nothing that looks like key material
        }
      }
    });
  });
});
