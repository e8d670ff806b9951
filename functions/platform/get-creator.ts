import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { idPath } from './operator-reads.js';
import { getCreator, listCommissionEntries, storedCreatorView } from './payout-reads.js';

export const creatorReadPath = idPath('cre');

/**
 * GET /v1/admin/creators/{id}?limit&cursor: the creator's current terms and a page of its
 * commission entries (accruals +, reversals -), newest first. Two reads, in parallel.
 */
export const handler = httpHandler({ access: keyed('admin'), path: creatorReadPath, query: listQuery }, async ({ path, query }) => {
  const scope = `admin-creator-entries:${path.id}`;
  const position = await readCursor(scope, query.cursor);
  const [creator, entries] = await Promise.all([getCreator(path.id), listCommissionEntries(path.id, query.limit, position)]);
  if (!creator) throw new ProblemError('not_found');
  const lines = entries.data.map((e) => ({
    id: e.entryId,
    orderId: e.orderId,
    kind: e.kind,
    amount: { amount: e.amountFen, currency: 'CNY' as const },
    period: e.period,
    createdAt: e.createdAt,
  }));
  return { status: 200, body: { creator: storedCreatorView(creator), commissionEntries: await pageOf(scope, lines, entries.cursor) } };
});
