import * as z from 'zod';
import { httpHandler } from '../shared/http.js';
import { periodPattern } from './periods.js';
import { runView, startRun } from './payout-runs.js';

export const startPayoutRunBody = z.strictObject({ period: z.string().regex(periodPattern, 'a period YYYY-MM') });

/**
 * POST /v1/payout-runs: 201 with the new run, or 200 with the period's existing one (one run
 * per period, whatever is retried or sent concurrently). The run completes asynchronously;
 * poll GET /v1/payout-runs/{id}.
 */
export const handler = httpHandler({ body: startPayoutRunBody }, async (request) => {
  const { created, run } = await startRun(request.body.period, request.correlationId);
  const view = runView(run);
  return { status: created ? 201 : 200, body: view, headers: { location: `/v1/payout-runs/${view.id}` } };
});
