import * as z from 'zod/mini';
import { bucketOf } from '../shared/buckets.js';
import { batchGetItems } from '../shared/db/batch-get.js';
import { orderKey } from '../orders/order-items.js';
import { orderSummaryRecord } from '../orders/order-read.js';
import { keyed } from '../shared/auth.js';
import { ProblemError } from '../shared/errors.js';
import { httpHandler } from '../shared/http.js';
import { commissionEntryEntity, commissionEntryRecord, commissionKey, commissionRecord, creatorEntriesPrefix, entryBuckets, payableKey, payoutLineKey, payoutLineRecord } from './payout-items.js';
import { getRecord, queryAll, recordOf } from '../shared/db/read.js';
import { storedLineOf } from './payout-line.js';
import { lineDetail, shownOrderIds, type DetailCommission, type DetailEntry, type DetailOrder } from './payout-line-detail.js';
import { periodsOf } from './run-periods.js';
import { runById, runPath } from './run-access.js';

export const runLinePath = z.extend(runPath, {
  creatorId: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'a creator ID')),
});

/** The creator's payable entries of one period: its bucket's key, the creator's sort-key prefix (`creator#<id>#`), strongly consistent. */
const entriesOf = async (period: string, creatorId: string): Promise<DetailEntry[]> =>
  queryAll(commissionEntryEntity, commissionEntryRecord, { partition: payableKey(period, bucketOf(creatorId, entryBuckets)), prefix: creatorEntriesPrefix(creatorId) }, { consistent: true });

/**
 * GET /v1/payout-runs/{id}/lines/{creatorId}: a line with the commission entries the run
 * settled for it (every period it covers) and the orders behind them. Reads only: one Query
 * per covered period and one BatchGet of the orders and their commissions (0037).
 */
export const handler = httpHandler({ access: keyed('finance'), path: runLinePath }, async ({ path }) => {
  const run = await runById(path.id);
  const item = await getRecord('payoutLine', payoutLineRecord, payoutLineKey(run.period, path.creatorId), false);
  if (!item) throw new ProblemError('not_found');
  const line = storedLineOf(item);
  const fromPeriod = run.fromPeriod ?? run.period;
  // Every entry of every covered period: the line's totals and carried-in amount need them all.
  const entries = (await Promise.all(periodsOf(fromPeriod, run.period).map((period) => entriesOf(period, path.creatorId)))).flat();
  const orderIds = shownOrderIds(entries);
  const found = await batchGetItems(orderIds.flatMap((orderId) => [{ ...commissionKey(orderId) }, { ...orderKey(orderId) }]));
  const commissions = new Map<string, DetailCommission>();
  const orders = new Map<string, DetailOrder>();
  for (const Item of found) {
    const commission = recordOf('commission', commissionRecord, Item);
    if (commission) commissions.set(commission.orderId, commission);
    const order = recordOf('order', orderSummaryRecord, Item);
    if (order) orders.set(order.orderId, order);
  }
  return {
    status: 200,
    body: lineDetail({ runId: path.id, period: run.period, fromPeriod }, { creatorId: line.creatorId, grossFen: line.grossFen }, entries, commissions, orders),
  };
});
