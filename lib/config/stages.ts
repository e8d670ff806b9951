/**
 * Deployment stages. Each stage is one Stateful + one Stateless stack
 * (lib/app.ts). Everything a stage may vary is typed here; stacks take these
 * values as props and keep no stage conditionals of their own.
 *
 * Two lines of residency ("dual line"): the overseas stages run in a commercial
 * AWS region (partition `aws`) with Stripe payments; the China stage runs in
 * the `aws-cn` partition, in a separate account, without Stripe (see
 * lib/config/residency.ts and docs/deployment.md).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { FunctionName } from '../manifest.js';

export interface ApiThrottle {
  /** Steady-state requests per second on the API's default stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * `aws-owned`: DynamoDB's default encryption with an AWS-owned key (no cost, no key policy to
 * manage). `customer-managed`: a KMS key of the stage's own, with yearly rotation, created in the
 * stateful stack; the key's CloudTrail entries show every use, and disabling it locks the data.
 */
export type TableEncryption = 'aws-owned' | 'customer-managed';

/**
 * Reserved concurrency per function group. Reserving both guarantees capacity (the API's
 * traffic cannot starve webhook intake) and caps it (a payout run cannot flood Stripe).
 * The account must keep at least 100 unreserved executions: sum the reservations against the
 * account quota (docs/deployment.md "Capacity plan").
 */
export interface ReservedConcurrency {
  /** Each of the webhook intake functions (`webhookFunctions`). */
  readonly webhooks: number;
  /** Each function whose manifest name contains `payout`. */
  readonly payouts: number;
}

export interface StageConfig {
  readonly name: string;
  /** Left out: the account of the credentials `cdk deploy` runs with. */
  readonly account?: string;
  /** `cn-north-1` / `cn-northwest-1` put the stage in the `aws-cn` partition. */
  readonly region: string;
  /**
   * An existing SNS topic for the stage's alarms (an on-call integration, say). Left out: the
   * stateful stack creates one (`AlarmTopicArn` output) and operators subscribe to it.
   */
  readonly alarmTopicArn?: string;
  /** For stateful resources (table, secrets, archive key). */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
  /** DynamoDB deletion protection: the table cannot be deleted, by CloudFormation or by hand, while on. */
  readonly deletionProtection: boolean;
  readonly tableEncryption: TableEncryption;
  /** How long the bus archive keeps events for replay; 0 keeps them forever. */
  readonly archiveRetentionDays: number;
  readonly logRetention: RetentionDays;
  readonly apiThrottle: ApiThrottle;
  /** Left out: no reservations (an account with a small concurrency quota cannot reserve any). */
  readonly reservedConcurrency?: ReservedConcurrency;
  /**
   * Stripe payments. Off: the functions that read a Stripe secret (and their routes, rules and
   * schedules) are left out of the stage, and no Stripe secret is created.
   */
  readonly payments: boolean;
}

/** The webhook intake functions `ReservedConcurrency.webhooks` applies to. */
export const webhookFunctions = ['stripeWebhook', 'partnerWebhook'] as const satisfies readonly FunctionName[];

/** Which functions each reserved-concurrency group covers, by manifest function name. */
export const concurrencyGroups: Readonly<Record<keyof ReservedConcurrency, (functionName: string) => boolean>> = {
  webhooks: (name) => (webhookFunctions as readonly string[]).includes(name),
  payouts: (name) => name.toLowerCase().includes('payout'),
};

/** The reserved concurrency of a manifest function in a stage, if any. */
export const reservedConcurrencyOf = (functionName: string, stage: StageConfig): number | undefined => {
  const reserved = stage.reservedConcurrency;
  if (!reserved) return undefined;
  const group = (Object.keys(concurrencyGroups) as (keyof ReservedConcurrency)[]).find((g) =>
    concurrencyGroups[g](functionName),
  );
  return group === undefined ? undefined : reserved[group];
};

export const stages = {
  dev: {
    name: 'dev',
    region: 'ap-southeast-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    deletionProtection: false,
    tableEncryption: 'aws-owned',
    archiveRetentionDays: 7,
    logRetention: RetentionDays.ONE_WEEK,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    // No reservations: a new account's concurrency quota can be as low as 10.
    payments: true,
  },
  prod: {
    name: 'prod',
    region: 'ap-southeast-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: true,
    tableEncryption: 'customer-managed',
    archiveRetentionDays: 90,
    logRetention: RetentionDays.ONE_MONTH,
    // Twice the pilot's planning peak (1,000 orders/s, docs DESIGN "Scale"):
    // throttling is a safety net, not a capacity plan.
    apiThrottle: { rateLimit: 2000, burstLimit: 4000 },
    // 2 x 200 + 5 per payout function: needs a concurrency quota above 1,000 at peak
    // (docs/deployment.md "Capacity plan").
    reservedConcurrency: { webhooks: 200, payouts: 5 },
    payments: true,
  },
  'cn-prod': {
    name: 'cn-prod',
    // China (Ningxia), partition aws-cn: a separate account under the China operator.
    region: 'cn-northwest-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    deletionProtection: true,
    tableEncryption: 'customer-managed',
    archiveRetentionDays: 90,
    // The PRC Cybersecurity Law (art. 21) asks for network logs to be kept at least six months.
    logRetention: RetentionDays.SIX_MONTHS,
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    reservedConcurrency: { webhooks: 100, payouts: 5 },
    // No Stripe in the China line: payment routes and Stripe secrets are absent.
    payments: false,
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof stages;

const isStageName = (name: string): name is StageName => Object.hasOwn(stages, name);

/** The stage called `name`; throws, listing the known ones, when there is none. */
export const stageConfig = (name: string): StageConfig => {
  if (!isStageName(name)) throw new Error(`Unknown stage "${name}"; known: ${Object.keys(stages).join(', ')}`);
  return stages[name];
};

/** `aws-cn` for the China regions, `aws` otherwise (the stage's partition, for docs and tests). */
export const partitionOf = (stage: Pick<StageConfig, 'region'>): 'aws' | 'aws-cn' =>
  stage.region.startsWith('cn-') ? 'aws-cn' : 'aws';
