import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { now } from '../shared/clock.js';
import { logger } from '../shared/observability.js';
import { periodOf, previousPeriod } from './periods.js';
import { runView, startRun } from './payout-runs.js';

/** Scheduled monthly (Asia/Shanghai): starts the previous period's run (a no-op if it exists). */
export const handler = middy<unknown, unknown, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const period = previousPeriod(periodOf(now()));
    const { created, run } = await startRun(period, `monthly-payout-${period}`);
    logger.info('monthly payout run', { period, created });
    return runView(run);
  });
