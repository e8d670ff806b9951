/** Reads behind the merchant settlement routes (Query and GetItem only, never Scan). */
import { db } from './db.js';
import { nextPeriod } from './periods.js';
import { settlementEntryBuckets, type MerchantStatementItem } from './settlement-entities.js';
import { merchantTotals } from './settlement-run.js';
import { runPeriods } from './run-periods.js';
import { settleTotals, type StatementFigures } from './settlement.js';
import { statementLines, type EntryRow, type StatementLineFigures } from './settlement-views.js';

/** A merchant's net per period (its period totals' shards summed), oldest first. */
export const periodNets = async (merchantId: string): Promise<Array<{ period: string; netFen: number }>> => {
  const { data } = await db().entities.merchantPeriod.query.byMerchant({ merchantId }).go({ pages: 'all' });
  const byPeriod = new Map<string, number>();
  for (const shard of data) byPeriod.set(shard.period, (byPeriod.get(shard.period) ?? 0) + shard.netFen);
  return [...byPeriod.entries()].map(([period, netFen]) => ({ period, netFen })).sort((a, b) => (a.period < b.period ? -1 : 1));
};

export const settlementState = async (merchantId: string) => (await db().entities.merchantSettlementState.get({ merchantId }).go({ consistent: true })).data;

export const statementOf = async (merchantId: string, period: string): Promise<MerchantStatementItem | null> =>
  (await db().entities.merchantStatement.get({ merchantId, period }).go()).data;

/** The per-order lines of the periods `from`..`to` (one gsi1 Query per period). */
export const linesOf = async (merchantId: string, from: string, to: string): Promise<StatementLineFigures[]> => {
  const rows: EntryRow[] = [];
  for (let period = from; period <= to; period = nextPeriod(period)) {
    const { data } = await db().entities.settlementEntry.query.byStatement({ merchantId, period }).go({ pages: 'all' });
    rows.push(...data);
  }
  return statementLines(rows);
};

export const runStatements = async (period: string): Promise<MerchantStatementItem[]> =>
  (await db().entities.merchantStatement.query.byRun({ period }).go({ pages: 'all' })).data;

export interface MerchantPreviewLine extends StatementFigures {
  readonly merchantId: string;
  readonly name: string;
  readonly carriedInFen: number;
  readonly paidFen: number;
  readonly carryForwardFen: number;
}

/**
 * What a run for `period` would settle for merchants now, reading exactly what the run reads
 * (the catch-up periods' entries, consistently) and writing nothing.
 */
export const previewMerchants = async (period: string): Promise<MerchantPreviewLine[]> => {
  const periods = await runPeriods(period);
  const lines: MerchantPreviewLine[] = [];
  for (let bucket = 0; bucket < settlementEntryBuckets; bucket += 1) {
    for await (const m of merchantTotals(periods, bucket, '')) {
      const [state, { data: merchant }] = await Promise.all([settlementState(m.merchantId), db().entities.merchant.get({ merchantId: m.merchantId }).go()]);
      if (state && state.lastPeriod >= period) continue; // already settled by a run
      const carriedInFen = state?.carryForwardFen ?? 0;
      const totals = settleTotals(m.figures.netFen, carriedInFen);
      lines.push({ merchantId: m.merchantId, name: merchant?.name ?? m.merchantId, ...m.figures, carriedInFen, paidFen: totals.paidFen, carryForwardFen: totals.carryForwardFen });
    }
  }
  return lines;
};
