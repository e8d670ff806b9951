/**
 * The creator side of payouts as the document client writes and reads it (decision 0046):
 * each builder lays an item out as its entity in entities.ts does (keys, index keys,
 * markers) and each record schema validates what a read returns.
 * test/unit/payouts/plain-writes.test.ts holds every builder and update to its entity.
 */
import * as z from 'zod/mini';
import { storedOptional as optional } from '../shared/db/stored-item.js';
import { storedItem, type Item, type TableKey } from '../shared/db/write.js';

const fen = z.number().check(z.int());

/** Optional keys `K` of a record left out, for writing it. */
type Fields<R, K extends keyof R> = Omit<R, K> & Partial<Pick<R, K>>;


// ---------------------------------------------------------------------------
// Agencies and creators
// ---------------------------------------------------------------------------

/** An agency (entity `agency`). */
export const agencyRecord = z.lazy(() =>
  z.object({ agencyId: z.string(), name: z.string(), country: z.string(), feeBps: z.number().check(z.int()), createdAt: z.string() }),
);
export type AgencyRecord = z.output<typeof agencyRecord>;
export const agencyKey = (agencyId: string): TableKey => ({ pk: `AGENCY#${agencyId}`, sk: 'AGENCY' });
export const agencyItem = (a: AgencyRecord): Item => storedItem('agency', { ...a }, { ...agencyKey(a.agencyId), gsi1pk: 'AGENCIES', gsi1sk: `${a.createdAt}#${a.agencyId}` });

/** A creator's current terms (entity `creator`; the terms are validated by creators.ts `termsOf`). */
export const creatorRecord = z.lazy(() =>
  z.object({ creatorId: z.string(), terms: z.unknown(), version: z.number().check(z.int()), createdAt: z.string(), updatedAt: z.string() }),
);
export type CreatorRecord = z.output<typeof creatorRecord>;
export const creatorKey = (creatorId: string): TableKey => ({ pk: `CREATOR#${creatorId}`, sk: 'CREATOR' });
export const creatorItem = (c: CreatorRecord): Item => storedItem('creator', { ...c }, { ...creatorKey(c.creatorId), gsi1pk: 'CREATORS', gsi1sk: `${c.createdAt}#${c.creatorId}` });

/** A numbered snapshot of a creator's terms (entity `creatorVersion`). */
export const creatorVersionRecord = z.lazy(() =>
  z.object({ creatorId: z.string(), version: z.number().check(z.int()), validFrom: z.string(), terms: z.unknown() }),
);
export type CreatorVersionRecord = z.output<typeof creatorVersionRecord>;
/** The creator's partition and the sort-key prefix of its versions. */
export const creatorVersionsPrefix = (creatorId: string): TableKey => ({ pk: `CREATOR#${creatorId}`, sk: 'VERSION#' });
export const creatorVersionItem = (v: CreatorVersionRecord): Item =>
  storedItem('creatorVersion', { ...v }, { pk: `CREATOR#${v.creatorId}`, sk: `VERSION#${v.validFrom}#${v.version}` });

// ---------------------------------------------------------------------------
// Commissions and their payable entries
// ---------------------------------------------------------------------------

/** One per attributed order (entity `commission`). */
export const commissionRecord = z.lazy(() =>
  z.object({
    orderId: z.string(),
    creatorId: optional(z.string()),
    status: z.enum(['pending_delivery', 'accrued', 'ineligible']),
    reason: optional(z.string()),
    creatorVersion: optional(z.number().check(z.int())),
    rateBps: optional(z.number().check(z.int())),
    amountFen: fen,
    reversedFen: fen,
    refundedTotal: fen,
    paidTotal: fen,
    payableAt: optional(z.string()),
    period: optional(z.string()),
    version: z.number().check(z.int()),
  }),
);
export type CommissionRecord = z.output<typeof commissionRecord>;
export type CommissionFields = Fields<CommissionRecord, 'creatorId' | 'reason' | 'creatorVersion' | 'rateBps' | 'payableAt' | 'period'>;
export const commissionKey = (orderId: string): TableKey => ({ pk: `COMMISSION#${orderId}`, sk: 'COMMISSION' });
export const commissionItem = (c: CommissionFields): Item => storedItem('commission', { ...c }, commissionKey(c.orderId));

/** A payable commission entry (entity `commissionEntry`, model version 2). */
export const commissionEntryRecord = z.lazy(() =>
  z.object({
    entryId: z.string(),
    orderId: z.string(),
    creatorId: z.string(),
    kind: z.enum(['accrual', 'reversal']),
    amountFen: fen,
    period: z.string(),
    bucket: z.number().check(z.int()),
    createdAt: z.string(),
  }),
);
export type CommissionEntryRecord = z.output<typeof commissionEntryRecord>;
/** Buckets of a period's entries (by payee), so no single key takes every accrual. */
export const entryBuckets = 4;

/**
 * A payable amount of a period for one payee: an accrual (+) or a reversal (-). Payable
 * entries of every payee kind share one key space on the BASE table, so a run reads them
 * with strongly consistent Queries: pk `PAYABLE#<period>#<bucket>`, sk
 * `<payeeType>#<payeeId>#<entryId>` (sorted by payee). A commission entry's payee type is
 * `creator`; another kind (merchant settlement) writes its own entity on the same keys
 * with its own payee type and the run settles it with its own settle step (0023).
 */
export const payableKey = (period: string, bucket: number): string => `PAYABLE#${period}#${bucket}`;
/** A creator's sort-key prefix on the payable keys. */
export const creatorEntriesPrefix = (creatorId: string): string => `creator#${creatorId}#`;
/** Commission entries' model is at version 2: their items say so, and reads take only those. */
export const commissionEntryEntity = { name: 'commissionEntry', version: '2' } as const;
export const commissionEntryStored = (e: CommissionEntryRecord): Item =>
  storedItem(
    commissionEntryEntity,
    { ...e },
    {
      pk: payableKey(e.period, e.bucket),
      sk: `${creatorEntriesPrefix(e.creatorId)}${e.entryId}`,
      gsi1pk: `COMMISSION#${e.orderId}`,
      gsi1sk: `ENTRY#${e.entryId}`,
      gsi2pk: `CREATOR#${e.creatorId}#ENTRIES`,
      gsi2sk: `${e.createdAt}#${e.entryId}`,
    },
  );

// ---------------------------------------------------------------------------
// The run head, runs, lines, per-creator state
// ---------------------------------------------------------------------------

/** The head of the run sequence (entity `payoutHead`, one item). */
export const payoutHeadRecord = z.lazy(() =>
  z.object({ lastPeriod: z.string(), runningPeriod: optional(z.string()), version: z.number().check(z.int()) }),
);
export type PayoutHeadRecord = z.output<typeof payoutHeadRecord>;
export const payoutHeadKey: TableKey = { pk: 'PAYOUTRUNS', sk: 'HEAD' };
export const payoutHeadItem = (h: Fields<PayoutHeadRecord, 'runningPeriod'>): Item => storedItem('payoutHead', { ...h }, payoutHeadKey);

/** A run's resume point: the bucket and the last payee settled in it (`<payeeType>#<payeeId>`, '' before the first). */
export const runCheckpoint = z.lazy(() =>
  z.object({ bucket: z.number().check(z.int()), after: z.string() }),
);
export type RunCheckpoint = z.output<typeof runCheckpoint>;

/** One run per period (entity `payoutRun`). */
export const payoutRunRecord = z.lazy(() =>
  z.object({
    period: z.string(),
    status: z.enum(['running', 'completed']),
    fromPeriod: optional(z.string()),
    checkpoint: optional(runCheckpoint),
    leaseToken: optional(z.string()),
    leaseExpiresAtMs: optional(z.number()),
    grossFen: fen,
    agencyFeeFen: fen,
    taxWithheldFen: fen,
    netFen: fen,
    lineCount: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: optional(z.string()),
  }),
);
export type PayoutRunRecord = z.output<typeof payoutRunRecord>;
export type PayoutRunFields = Fields<PayoutRunRecord, 'fromPeriod' | 'checkpoint' | 'leaseToken' | 'leaseExpiresAtMs' | 'completedAt'>;
export const payoutRunKey = (period: string): TableKey => ({ pk: `PAYOUTRUN#${period}`, sk: 'RUN' });
/** gsi1 (`all`): every run, by period. */
export const payoutRunsPartition = 'PAYOUTRUNS';
export const payoutRunItem = (r: PayoutRunFields): Item => storedItem('payoutRun', { ...r }, { ...payoutRunKey(r.period), gsi1pk: payoutRunsPartition, gsi1sk: r.period });

/** A run's line for one creator (entity `payoutLine`; the line is validated by payout-line.ts `storedLineOf`). */
export const payoutLineRecord = z.lazy(() =>
  z.object({ period: z.string(), creatorId: z.string(), line: z.unknown(), creatorVersion: z.number().check(z.int()), createdAt: z.string() }),
);
export type PayoutLineRecord = z.output<typeof payoutLineRecord>;
export const payoutLineKey = (period: string, creatorId: string): TableKey => ({ pk: `PAYOUTRUN#${period}`, sk: `LINE#${creatorId}` });
export const payoutLineItem = (l: PayoutLineRecord): Item => storedItem('payoutLine', { ...l }, payoutLineKey(l.period, l.creatorId));

/** Per creator: carry-forward and the last period settled (entity `payoutState`). */
export const payoutStateRecord = z.lazy(() =>
  z.object({ creatorId: z.string(), carryForwardFen: fen, lastPeriod: z.string(), version: z.number().check(z.int()) }),
);
export type PayoutStateRecord = z.output<typeof payoutStateRecord>;
export const payoutStateKey = (creatorId: string): TableKey => ({ pk: `CREATOR#${creatorId}`, sk: 'PAYOUTSTATE' });
export const payoutStateItem = (s: PayoutStateRecord): Item => storedItem('payoutState', { ...s }, payoutStateKey(s.creatorId));

/** Year-to-date wages figures (tax.ts `WagesYtd`) as stored in a map. */
export const storedWagesYtd = z.lazy(() =>
  z.object({
    year: z.number().check(z.int()),
    cumulativeIncomeFen: fen,
    cumulativeSpecialFen: fen,
    cumulativeAdditionalFen: fen,
    taxWithheldFen: fen,
    throughMonth: z.optional(z.number().check(z.int())),
  }),
);

/** Year-to-date wages state per (creator, agency, year) (entity `wagesYtd`). */
export const wagesYtdRecord = z.lazy(() =>
  z.object({
    creatorId: z.string(),
    agencyId: z.string(),
    year: z.number().check(z.int()),
    ytd: storedWagesYtd,
    lastPeriod: z.string(),
    version: z.number().check(z.int()),
  }),
);
export type WagesYtdRecord = z.output<typeof wagesYtdRecord>;
export const wagesYtdKey = (creatorId: string, agencyId: string, year: number): TableKey => ({ pk: `CREATOR#${creatorId}`, sk: `YTD#${agencyId}#${year}` });
export const wagesYtdItem = (w: WagesYtdRecord): Item => storedItem('wagesYtd', { ...w }, wagesYtdKey(w.creatorId, w.agencyId, w.year));

// ---------------------------------------------------------------------------
// The ledger
// ---------------------------------------------------------------------------

/** Buckets of the ledger's by-month index. */
export const ledgerBuckets = 4;

/** A ledger posting as written (entity `ledgerPosting`; never read by a handler). */
export interface LedgerPostingFields {
  readonly postingId: string;
  readonly kind: string;
  readonly reference: string;
  readonly lines: unknown;
  readonly month: string;
  readonly bucket: number;
  readonly createdAt: string;
}
export const ledgerPostingItem = (p: LedgerPostingFields): Item =>
  storedItem('ledgerPosting', { ...p }, { pk: `LEDGER#${p.postingId}`, sk: 'POSTING', gsi1pk: `LEDGER#${p.month}#${p.bucket}`, gsi1sk: `${p.createdAt}#${p.postingId}` });
