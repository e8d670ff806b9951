/** Reads behind the merchant settlement routes (Query and GetItem only, never Scan). */
import { merchantKey, merchantRecord } from '../orders/merchant-record.js';
import { getRecord, queryAll, queryFill } from '../shared/db/read.js';
import { nextPeriod } from './periods.js';
import {
  merchantPeriodRecord,
  merchantPeriodsPrefix,
  merchantSettlementStateKey,
  merchantSettlementStateRecord,
  merchantStatementKey,
  merchantStatementRecord,
  runStatementsPartition,
  settlementEntryBuckets,
  settlementEntryRecord,
  statementEntriesPartition,
  type MerchantSettlementStateRecord,
  type MerchantStatementRecord,
} from './settlement-items.js';
import { merchantTotals } from './settlement-run.js';
import { runPeriods } from './run-periods.js';
import { settleTotals, type StatementFigures } from './settlement.js';
import { merchantStatementLine, statementLines, type EntryRow, type StatementLineFigures } from './settlement-views.js';
import { reportPageBytes, responseBytes } from './report-pages.js';

/** A merchant's net per period (its period totals' shards summed), oldest first. */
export const periodNets = async (merchantId: string): Promise<Array<{ period: string; netFen: number }>> => {
  const prefix = merchantPeriodsPrefix(merchantId);
  const data = await queryAll('merchantPeriod', merchantPeriodRecord, { partition: prefix.pk, prefix: prefix.sk });
  const byPeriod = new Map<string, number>();
  for (const shard of data) byPeriod.set(shard.period, (byPeriod.get(shard.period) ?? 0) + shard.netFen);
  return [...byPeriod.entries()].map(([period, netFen]) => ({ period, netFen })).sort((a, b) => (a.period < b.period ? -1 : 1));
};

export const settlementState = async (merchantId: string): Promise<MerchantSettlementStateRecord | null> =>
  (await getRecord('merchantSettlementState', merchantSettlementStateRecord, merchantSettlementStateKey(merchantId), true)) ?? null;

export const statementOf = async (merchantId: string, period: string): Promise<MerchantStatementRecord | null> =>
  (await getRecord('merchantStatement', merchantStatementRecord, merchantStatementKey(merchantId, period), false)) ?? null;

/** The per-order lines of the periods `from`..`to` (one gsi1 Query per period). */
export const linesOf = async (merchantId: string, from: string, to: string): Promise<StatementLineFigures[]> => {
  const rows: EntryRow[] = [];
  for (let period = from; period <= to; period = nextPeriod(period)) {
    rows.push(...(await queryAll('settlementEntry', settlementEntryRecord, { index: 'gsi1', partition: statementEntriesPartition(merchantId, period) })));
  }
  return statementLines(rows);
};

/** A run's merchant statement's bytes in the JSON response (its CSV row is smaller). */
export const merchantStatementBytes = (s: MerchantStatementRecord): number => responseBytes(merchantStatementLine(s));

/** One page of a run's merchant statements, sorted by merchant (the run's gsi1 partition), within the report page's bytes. */
export const runStatementsPage = async (period: string, limit: number, start: Record<string, unknown> | undefined) =>
  queryFill(
    'merchantStatement',
    merchantStatementRecord,
    { index: 'gsi1', partition: runStatementsPartition(period) },
    { limit, start, budget: { max: reportPageBytes, weigh: merchantStatementBytes } },
  );

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
      const [state, merchant] = await Promise.all([settlementState(m.merchantId), getRecord('merchant', merchantRecord, merchantKey(m.merchantId), false)]);
      if (state && state.lastPeriod >= period) continue; // already settled by a run
      const carriedInFen = state?.carryForwardFen ?? 0;
      const totals = settleTotals(m.figures.netFen, carriedInFen);
      lines.push({ merchantId: m.merchantId, name: merchant?.name ?? m.merchantId, ...m.figures, carriedInFen, paidFen: totals.paidFen, carryForwardFen: totals.carryForwardFen });
    }
  }
  return lines;
};
