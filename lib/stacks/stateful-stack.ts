/**
 * Resources that hold state and outlive deployments: the single table, the
 * event bus and the secrets. Kept apart from the functions so that redeploying
 * or even destroying the stateless stack never touches data.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { secretEnv, type SecretName } from '../manifest.js';
import { tableDefinition } from '../table.js';

/** What the stateless stack needs from this one. */
export interface StatefulResources {
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly secrets: Readonly<Record<SecretName, ISecret>>;
}

export interface StatefulStackProps extends StackProps {
  readonly stage: string;
  /** For the table and secrets. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
}

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/** `Object.fromEntries` over a known key set, typed by it. */
const recordOf = <K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> =>
  Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;

export class StatefulStack extends Stack implements StatefulResources {
  readonly table: Table;
  readonly bus: EventBus;
  readonly secrets: Readonly<Record<SecretName, ISecret>>;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // `Table` (AWS::DynamoDB::Table), not TableV2 (AWS::DynamoDB::GlobalTable):
    // each stage lives in one region by design (data residency: the China
    // partition and an overseas region are separate stages), so replicas are
    // not wanted, and the classic resource is available in every partition.
    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
      stream: StreamViewType[tableDefinition.streamViewType],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      removalPolicy,
    });
    for (const index of tableDefinition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        // Overloaded indexes serve several entities: project everything.
        projectionType: ProjectionType.ALL,
      });
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: `xborder-${props.stage}` });

    // One generated secret per manifest secret: nobody ever types or sees a
    // value at deploy time; operators read it from Secrets Manager.
    this.secrets = recordOf(Object.keys(secretEnv) as SecretName[], (name) => {
      const secret = new Secret(this, `Secret-${name}`, {
        description: `xborder ${props.stage}: ${secretEnv[name]}`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy,
      });
      new CfnOutput(this, `SecretArn-${name}`, { value: secret.secretArn, description: secretEnv[name] });
      return secret;
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
  }
}
