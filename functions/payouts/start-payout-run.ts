import * as z from 'zod/mini';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { requestContext } from '../shared/outbox.js';
import { periodPattern } from './periods.js';
import { ProblemError } from '../shared/errors.js';
import { PayoutRunRefusedError, runView, startRun } from './payout-runs.js';

export const startPayoutRunBody = z.strictObject({ period: z.string().check(z.regex(periodPattern, 'a period YYYY-MM')) });

/**
 * POST /v1/payout-runs: 201 with the new run, or 200 with the period's existing one (one run
 * per period, whatever is retried or sent concurrently). The run completes asynchronously;
 * poll GET /v1/payout-runs/{id}.
 */
export const handler = httpHandler({ access: keyed('finance'), body: startPayoutRunBody }, async (request) => {
  let started;
  try {
    started = await startRun(request.body.period, request.correlationId, requestContext(request).actor);
  } catch (error) {
    if (!(error instanceof PayoutRunRefusedError)) throw error;
    throw new ProblemError('invalid_state', { params: { reason: error.reason, period: request.body.period }, cause: error });
  }
  const { created, run } = started;
  const view = runView(run);
  return { status: created ? 201 : 200, body: view, headers: { location: `/v1/payout-runs/${view.id}` } };
});
