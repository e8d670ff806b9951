import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import type { PayoutRunRecord } from './payout-items.js';
import { getRun } from './payout-runs.js';
import { periodOfRunId } from './periods.js';

export const runPath = z.object({ id: z.string().check(z.regex(/^run_\d{4}-(0[1-9]|1[0-2])$/, 'a payout run ID (run_YYYY-MM)')) });

export const runById = async (runId: string): Promise<PayoutRunRecord> => {
  const period = periodOfRunId(runId);
  const run = period ? await getRun(period) : null;
  if (!run) throw new ProblemError('not_found');
  return run;
};
