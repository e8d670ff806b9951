/**
 * Deployment stages. Each stage is one Stateful + one Stateless stack
 * (lib/app.ts). Everything a stage may vary is typed here; stacks take these
 * values as props and keep no stage conditionals of their own.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface ApiThrottle {
  /** Steady-state requests per second on the API's default stage. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface StageConfig {
  readonly name: string;
  /** Left out: the account of the credentials `cdk deploy` runs with. */
  readonly account?: string;
  readonly region: string;
  /** For stateful resources (table, secrets). */
  readonly removalPolicy: RemovalPolicy;
  readonly pointInTimeRecovery: boolean;
  readonly logRetention: RetentionDays;
  readonly apiThrottle: ApiThrottle;
}

export const stages = {
  dev: {
    name: 'dev',
    region: 'ap-southeast-1',
    removalPolicy: RemovalPolicy.DESTROY,
    pointInTimeRecovery: false,
    logRetention: RetentionDays.ONE_WEEK,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
  },
  prod: {
    name: 'prod',
    region: 'ap-southeast-1',
    removalPolicy: RemovalPolicy.RETAIN,
    pointInTimeRecovery: true,
    logRetention: RetentionDays.ONE_MONTH,
    // Twice the pilot's planning peak (1,000 orders/s, docs DESIGN "Scale"):
    // throttling is a safety net, not a capacity plan.
    apiThrottle: { rateLimit: 2000, burstLimit: 4000 },
  },
} as const satisfies Record<string, StageConfig>;

export type StageName = keyof typeof stages;

const isStageName = (name: string): name is StageName => Object.hasOwn(stages, name);

/** The stage called `name`; throws, listing the known ones, when there is none. */
export const stageConfig = (name: string): StageConfig => {
  if (!isStageName(name)) throw new Error(`Unknown stage "${name}"; known: ${Object.keys(stages).join(', ')}`);
  return stages[name];
};
