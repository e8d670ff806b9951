/**
 * Resources that hold state and outlive deployments: the single table (and its
 * key), the event bus and its archive, the secrets and the alarm topic. Kept
 * apart from the functions so that redeploying or even destroying the
 * stateless stack never touches data.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption as DynamoTableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { eventSources } from '../../events/catalogue.js';
import type { TableEncryption } from '../config/stages.js';
import { suppressNag } from '../constructs/nag.js';
import { secretEnv, type SecretName } from '../manifest.js';
import { tableDefinition } from '../table.js';

/** What the stateless stack needs from this one. */
export interface StatefulResources {
  readonly table: ITable;
  readonly bus: IEventBus;
  /** Only the secrets the stage's functions read (a stage without payments has no Stripe secrets). */
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  readonly alarmTopic: ITopic;
}

export interface StatefulStackProps extends StackProps {
  readonly stage: string;
  /** For the table, its key and the secrets. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
  /** @default true */
  readonly deletionProtection?: boolean;
  /** @default 'customer-managed' */
  readonly tableEncryption?: TableEncryption;
  /** Days the bus archive keeps events; 0 = forever. @default 90 */
  readonly archiveRetentionDays?: number;
  /** The secrets to create. @default every secret of the manifest */
  readonly secretNames?: readonly SecretName[];
  /** An existing topic for alarms. @default a topic created here */
  readonly alarmTopicArn?: string;
}

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * Why no secret has a rotation schedule (cdk-nag AwsSolutions-SMG4), per secret. Typed by
 * the manifest's secrets: a new secret does not compile until someone says how it rotates.
 */
const noRotationReason: Readonly<Record<SecretName, string>> = {
  adminApiKey:
    'The operator key is handed to operators by hand; rotating it is an operator decision (put a new value, functions pick it up within 5 minutes), not a schedule, so there is no rotation Lambda.',
  cursorKey:
    'HMAC key of pagination cursors: rotating it only invalidates cursors in flight (clients restart a listing), so it is rotated by hand if ever; no rotation Lambda.',
  stripeSecretKey:
    'Issued by Stripe and rolled in the Stripe Dashboard; the operator then puts the new value here (docs/deployment.md). Secrets Manager cannot rotate a third-party key.',
  stripeWebhookSecret:
    "Stripe's signing secret of the webhook endpoint, rolled in the Stripe Dashboard and put here by the operator (docs/deployment.md). Secrets Manager cannot rotate it.",
  partnerSecretsKey:
    "Seals partners' webhook secrets at rest: a new value without re-sealing every partner would make them unreadable, so it must never rotate on its own (docs/deployment.md).",
};

export class StatefulStack extends Stack implements StatefulResources {
  readonly table: Table;
  readonly bus: EventBus;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  readonly alarmTopic: ITopic;

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
      deletionProtection: props.deletionProtection ?? true,
      ...this.tableEncryption(props.stage, props.tableEncryption ?? 'customer-managed', removalPolicy),
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
    if (props.pointInTimeRecovery === false) {
      suppressNag(this.table, 'AwsSolutions-DDB3', `Stage ${props.stage} holds disposable test data only (the table is destroyed with the stack); production stages turn point-in-time recovery on.`);
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: `xborder-${props.stage}` });
    // Every event of the system, kept for replay after a consumer bug or outage
    // (docs/deployment.md "Replaying events").
    const retentionDays = props.archiveRetentionDays ?? 90;
    const archive = this.bus.archive('Archive', {
      archiveName: `xborder-${props.stage}`,
      description: `Every xborder event on xborder-${props.stage}, for replay`,
      eventPattern: { source: Object.values(eventSources) },
      retention: Duration.days(retentionDays),
    });

    // One generated secret per secret the stage's functions read: nobody ever
    // types or sees a value at deploy time; operators read it from Secrets Manager
    // (and replace the Stripe placeholders with Stripe's values, docs/deployment.md).
    const secretNames = props.secretNames ?? (Object.keys(secretEnv) as SecretName[]);
    this.secrets = Object.fromEntries(
      secretNames.map((name) => {
        const secret = new Secret(this, `Secret-${name}`, {
          description: `xborder ${props.stage}: ${secretEnv[name]}`,
          generateSecretString: { passwordLength: 48, excludePunctuation: true },
          removalPolicy,
        });
        suppressNag(secret, 'AwsSolutions-SMG4', noRotationReason[name]);
        new CfnOutput(this, `SecretArn-${name}`, { value: secret.secretArn, description: secretEnv[name] });
        return [name, secret];
      }),
    );

    this.alarmTopic = props.alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
      : // Alarm notifications carry alarm names and metric values, no customer data:
        // SNS's default encryption at rest, TLS-only publishing. (A KMS key would have to
        // trust CloudWatch; the AWS-managed SNS key cannot be used by alarms at all.)
        new Topic(this, 'AlarmTopic', { displayName: `xborder ${props.stage} alarms`, enforceSSL: true });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'ArchiveName', { value: archive.archiveName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /**
   * `aws-owned`: DynamoDB's default key. `customer-managed`: a key of the stage's own,
   * rotated yearly; functions get Decrypt (and Encrypt to write) on it, through
   * DynamoDB only, from their table binding (HouseFunction.bindTable).
   */
  private tableEncryption(stage: string, encryption: TableEncryption, removalPolicy: RemovalPolicy) {
    if (encryption === 'aws-owned') return { encryption: DynamoTableEncryption.DEFAULT };
    const encryptionKey = new Key(this, 'TableKey', {
      description: `xborder ${stage}: encrypts the table, its indexes, backups and stream`,
      alias: `alias/xborder-${stage}-table`,
      enableKeyRotation: true,
      removalPolicy,
    });
    return { encryption: DynamoTableEncryption.CUSTOMER_MANAGED, encryptionKey };
  }
}
