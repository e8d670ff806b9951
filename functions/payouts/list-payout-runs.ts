import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { runView } from './payout-runs.js';

/** GET /v1/payout-runs?limit&cursor: every run, newest period first, one Query per page. */
export const handler = httpHandler({ access: keyed('finance'), query: listQuery }, async (request) => {
  const scope = 'payout-runs';
  const position = await readCursor(scope, request.query.cursor);
  const { data, cursor } = await db().entities.payoutRun.query.all({}).go({ limit: request.query.limit, cursor: position, order: 'desc' });
  return { status: 200, body: await pageOf(scope, data.map(runView), cursor) };
});
