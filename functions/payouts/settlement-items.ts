/**
 * Merchant settlement as the document client writes and reads it (decision 0046): builders
 * in the layout of the entities in settlement-entities.ts, record schemas validating what a
 * read returns. test/unit/payouts/plain-writes.test.ts holds them to the entities.
 */
import * as z from 'zod/mini';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { storedItem, type Item, type TableKey } from '../shared/db/write.js';

const fen = z.number().check(z.int());

/** An order's settlement state (entity `merchantSettlement`; `state` is validated by settlement-store.ts). */
export const merchantSettlementRecord = z.lazy(() =>
  z.object({
    orderId: z.string(),
    merchantId: z.string(),
    status: z.enum(['pending_delivery', 'accrued', 'cancelled']),
    state: z.unknown(),
    version: z.number().check(z.int()),
  }),
);
export type MerchantSettlementRecord = z.output<typeof merchantSettlementRecord>;
export const merchantSettlementKey = (orderId: string): TableKey => ({ pk: `SETTLEMENT#${orderId}`, sk: 'SETTLEMENT' });
export const merchantSettlementItem = (s: MerchantSettlementRecord): Item => storedItem('merchantSettlement', { ...s }, merchantSettlementKey(s.orderId));

/** A payable movement of a merchant's proceeds (entity `settlementEntry`). */
export const settlementEntryRecord = z.lazy(() =>
  z.object({
    entryId: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    kind: z.enum(['accrual', 'reversal']),
    grossFen: fen,
    feeFen: fen,
    commissionFen: fen,
    netFen: fen,
    deliveredAt: z.string(),
    period: z.string(),
    bucket: z.number().check(z.int()),
    createdAt: z.string(),
  }),
);
export type SettlementEntryRecord = z.output<typeof settlementEntryRecord>;
/** Buckets of a period's settlement entries (by merchant): no single key takes every accrual. */
export const settlementEntryBuckets = 4;
/** The table key a period's bucket of settlement entries lives under (sorted by merchant). */
export const merchantPayableKey = (period: string, bucket: number): string => `MPAYABLE#${period}#${bucket}`;
/** gsi1: a merchant's statement entries of a period. */
export const statementEntriesPartition = (merchantId: string, period: string): string => `MSTATEMENT#${merchantId}#${period}`;
export const settlementEntryItem = (e: SettlementEntryRecord): Item =>
  storedItem(
    'settlementEntry',
    { ...e },
    {
      pk: merchantPayableKey(e.period, e.bucket),
      sk: `${e.merchantId}#${e.entryId}`,
      gsi1pk: statementEntriesPartition(e.merchantId, e.period),
      gsi1sk: `${e.orderId}#${e.entryId}`,
    },
  );

/** One shard of a merchant's running period totals (entity `merchantPeriod`). */
export const merchantPeriodRecord = z.lazy(() =>
  z.object({
    merchantId: z.string(),
    period: z.string(),
    shard: z.number().check(z.int()),
    grossFen: fen,
    feeFen: fen,
    commissionFen: fen,
    refundsFen: fen,
    netFen: fen,
    entryCount: z.number().check(z.int()),
  }),
);
export type MerchantPeriodRecord = z.output<typeof merchantPeriodRecord>;
/** Shards of a merchant's period totals: concurrent deliveries of one merchant spread over them. */
export const periodTotalShards = 4;
export const merchantPeriodKey = (merchantId: string, period: string, shard: number): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: `MPERIOD#${period}#${shard}` });
/** The merchant's partition and the sort-key prefix of its period totals. */
export const merchantPeriodsPrefix = (merchantId: string): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: 'MPERIOD#' });

/** A merchant's settled period (entity `merchantStatement`). */
export const merchantStatementRecord = z.lazy(() =>
  z.object({
    merchantId: z.string(),
    period: z.string(),
    fromPeriod: z.string(),
    name: z.string(),
    grossFen: fen,
    feeFen: fen,
    commissionFen: fen,
    refundsFen: fen,
    periodNetFen: fen,
    carriedInFen: fen,
    paidFen: fen,
    carryForwardFen: fen,
    settledAt: z.string(),
  }),
);
export type MerchantStatementRecord = z.output<typeof merchantStatementRecord>;
export const merchantStatementKey = (merchantId: string, period: string): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: `MSTATEMENT#${period}` });
/** The merchant's partition and the sort-key prefix of its statements. */
export const merchantStatementsPrefix = (merchantId: string): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: 'MSTATEMENT#' });
/** gsi1 (`byRun`): the statements a run settled. */
export const runStatementsPartition = (period: string): string => `MSTATEMENTS#${period}`;
export const merchantStatementItem = (s: MerchantStatementRecord): Item =>
  storedItem('merchantStatement', { ...s }, { ...merchantStatementKey(s.merchantId, s.period), gsi1pk: runStatementsPartition(s.period), gsi1sk: s.merchantId });

/** Per merchant: carry-forward, paid in total, the last period settled (entity `merchantSettlementState`). */
export const merchantSettlementStateRecord = z.lazy(() =>
  z.object({ merchantId: z.string(), carryForwardFen: fen, paidFen: fen, lastPeriod: z.string(), version: z.number().check(z.int()) }),
);
export type MerchantSettlementStateRecord = z.output<typeof merchantSettlementStateRecord>;
export const merchantSettlementStateKey = (merchantId: string): TableKey => ({ pk: `MERCHANT#${merchantId}`, sk: 'MSETTLEMENTSTATE' });
export const merchantSettlementStateItem = (s: MerchantSettlementStateRecord): Item => storedItem('merchantSettlementState', { ...s }, merchantSettlementStateKey(s.merchantId));

/** The merchant half of a run's resume point: merchant boundaries only. */
export const merchantCheckpoint = z.lazy(() =>
  z.object({ bucket: z.number().check(z.int()), afterMerchantId: z.string() }),
);
export type MerchantCheckpoint = z.output<typeof merchantCheckpoint>;

/** The merchant half of a payout run (entity `merchantRun`). */
export const merchantRunRecord = z.lazy(() =>
  z.object({
    period: z.string(),
    grossFen: fen,
    feeFen: fen,
    commissionFen: fen,
    refundsFen: fen,
    carriedForwardFen: fen,
    netFen: fen,
    merchantCount: z.number().check(z.int()),
    checkpoint: optional(merchantCheckpoint),
    completedAt: optional(z.string()),
  }),
);
export type MerchantRunRecord = z.output<typeof merchantRunRecord>;
export const merchantRunKey = (period: string): TableKey => ({ pk: `PAYOUTRUN#${period}`, sk: 'MERCHANTS' });
