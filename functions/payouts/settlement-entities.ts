/**
 * Merchant settlement on the single table: the ElectroDB entities that define each item's
 * layout (handlers use settlement-items.ts, held to these by test/unit/payouts/plain-writes.test.ts).
 * Access patterns: docs/access-patterns
 * section of docs/merchant-settlement.md. Money is integer fen (CNY) throughout.
 */
import { Entity } from 'electrodb';

const service = 'xborder';

/**
 * One per order: its settlement state (settlement-order.ts `OrderSettlement`, validated with
 * zod when read), changed only at the version it was read at.
 */
export const merchantSettlementEntity = new Entity({
  model: { entity: 'merchantSettlement', version: '1', service },
  attributes: {
    orderId: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
    status: { type: ['pending_delivery', 'accrued', 'cancelled'] as const, required: true },
    state: { type: 'any', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byOrder: {
      pk: { field: 'pk', composite: ['orderId'], template: 'SETTLEMENT#${orderId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'SETTLEMENT', casing: 'none' },
    },
  },
});

/**
 * A payable movement of a merchant's proceeds: an accrual (+) or a reversal (-). Keyed on
 * the TABLE (not an index) by period and bucket, so the payout run reads them with strongly
 * consistent Queries, sorted by merchant; gsi1 serves the merchant's statement of a period.
 */
export const settlementEntryEntity = new Entity({
  model: { entity: 'settlementEntry', version: '1', service },
  attributes: {
    entryId: { type: 'string', required: true },
    orderId: { type: 'string', required: true },
    merchantId: { type: 'string', required: true },
    kind: { type: ['accrual', 'reversal'] as const, required: true },
    grossFen: { type: 'number', required: true },
    feeFen: { type: 'number', required: true },
    commissionFen: { type: 'number', required: true },
    netFen: { type: 'number', required: true },
    deliveredAt: { type: 'string', required: true },
    period: { type: 'string', required: true },
    bucket: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byPeriod: {
      pk: { field: 'pk', composite: ['period', 'bucket'], template: 'MPAYABLE#${period}#${bucket}', casing: 'none' },
      sk: { field: 'sk', composite: ['merchantId', 'entryId'], template: '${merchantId}#${entryId}', casing: 'none' },
    },
    byStatement: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['merchantId', 'period'], template: 'MSTATEMENT#${merchantId}#${period}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['orderId', 'entryId'], template: '${orderId}#${entryId}', casing: 'none' },
    },
  },
});

/**
 * A merchant's running totals of a period (one of `periodTotalShards` shards), added to in
 * the same transaction as each entry: the balance and the settlements list read these, never
 * the entries.
 */
export const merchantPeriodEntity = new Entity({
  model: { entity: 'merchantPeriod', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    period: { type: 'string', required: true },
    shard: { type: 'number', required: true },
    grossFen: { type: 'number', required: true },
    feeFen: { type: 'number', required: true },
    commissionFen: { type: 'number', required: true },
    refundsFen: { type: 'number', required: true },
    netFen: { type: 'number', required: true },
    entryCount: { type: 'number', required: true },
  },
  indexes: {
    byMerchant: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'MERCHANT#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: ['period', 'shard'], template: 'MPERIOD#${period}#${shard}', casing: 'none' },
    },
  },
});

/**
 * A merchant's settled period (the statement's header), written once by the payout run in
 * the merchant's settle transaction. The same figures are kept under the run (byRun) for
 * the finance report.
 */
export const merchantStatementEntity = new Entity({
  model: { entity: 'merchantStatement', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    period: { type: 'string', required: true },
    /** The first period whose entries this statement covers (earlier than `period` when months were skipped). */
    fromPeriod: { type: 'string', required: true },
    name: { type: 'string', required: true },
    grossFen: { type: 'number', required: true },
    feeFen: { type: 'number', required: true },
    commissionFen: { type: 'number', required: true },
    refundsFen: { type: 'number', required: true },
    periodNetFen: { type: 'number', required: true },
    carriedInFen: { type: 'number', required: true },
    paidFen: { type: 'number', required: true },
    carryForwardFen: { type: 'number', required: true },
    settledAt: { type: 'string', required: true },
  },
  indexes: {
    byMerchant: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'MERCHANT#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: ['period'], template: 'MSTATEMENT#${period}', casing: 'none' },
    },
    byRun: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['period'], template: 'MSTATEMENTS#${period}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['merchantId'], template: '${merchantId}', casing: 'none' },
    },
  },
});

/** Per merchant: a negative total carried into the next run, the last period settled, paid in total. */
export const merchantSettlementStateEntity = new Entity({
  model: { entity: 'merchantSettlementState', version: '1', service },
  attributes: {
    merchantId: { type: 'string', required: true },
    carryForwardFen: { type: 'number', required: true },
    paidFen: { type: 'number', required: true },
    lastPeriod: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byMerchant: {
      pk: { field: 'pk', composite: ['merchantId'], template: 'MERCHANT#${merchantId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'MSETTLEMENTSTATE', casing: 'none' },
    },
  },
});

/** The merchant half of a payout run: totals and resume point (kept beside the run item). */
export const merchantRunEntity = new Entity({
  model: { entity: 'merchantRun', version: '1', service },
  attributes: {
    period: { type: 'string', required: true },
    grossFen: { type: 'number', required: true },
    feeFen: { type: 'number', required: true },
    commissionFen: { type: 'number', required: true },
    refundsFen: { type: 'number', required: true },
    carriedForwardFen: { type: 'number', required: true },
    netFen: { type: 'number', required: true },
    merchantCount: { type: 'number', required: true },
    /** `{ bucket, afterMerchantId }`: merchant boundaries only. */
    checkpoint: { type: 'any' },
    completedAt: { type: 'string' },
  },
  indexes: {
    byPeriod: {
      pk: { field: 'pk', composite: ['period'], template: 'PAYOUTRUN#${period}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'MERCHANTS', casing: 'none' },
    },
  },
});
