import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { runView } from './payout-runs.js';
import { runById, runPath } from './run-access.js';

/** GET /v1/payout-runs/{id}: status, totals and line count (they grow while it runs). */
export const handler = httpHandler({ access: keyed('finance'), path: runPath }, async ({ path }) => ({ status: 200, body: runView(await runById(path.id)) }));
