/**
 * Creator payouts on the single table: the ElectroDB entities that define each item's
 * layout. Handlers write and read with the document client (payout-items.ts, held to these
 * by test/unit/payouts/plain-writes.test.ts); tests and the bench seeder still use these.
 * Key layout and access patterns are listed in the README. Money is integer fen throughout.
 */
import { Entity } from 'electrodb';

const service = 'xborder';

export const agencyEntity = new Entity({
  model: { entity: 'agency', version: '1', service },
  attributes: {
    agencyId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    country: { type: 'string', required: true },
    feeBps: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['agencyId'], template: 'AGENCY#${agencyId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'AGENCY', casing: 'none' },
    },
    /** Operators list agencies, newest first. */
    list: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'AGENCIES', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'agencyId'], template: '${createdAt}#${agencyId}', casing: 'none' },
    },
  },
});

/** A creator's current terms; every change also writes a numbered snapshot (creatorVersion). */
export const creatorEntity = new Entity({
  model: { entity: 'creator', version: '1', service },
  attributes: {
    creatorId: { type: 'string', required: true },
    /** The terms (CreatorTerms), as one document. */
    terms: { type: 'any', required: true },
    version: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
    updatedAt: { type: 'string', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['creatorId'], template: 'CREATOR#${creatorId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'CREATOR', casing: 'none' },
    },
    /** Operators list creators, newest registration first. */
    list: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'CREATORS', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'creatorId'], template: '${createdAt}#${creatorId}', casing: 'none' },
    },
  },
});

/** The terms in force from `validFrom`: so a past commission or payout can always be explained. */
export const creatorVersionEntity = new Entity({
  model: { entity: 'creatorVersion', version: '1', service },
  attributes: {
    creatorId: { type: 'string', required: true },
    version: { type: 'number', required: true },
    validFrom: { type: 'string', required: true },
    terms: { type: 'any', required: true },
  },
  indexes: {
    byVersion: {
      pk: { field: 'pk', composite: ['creatorId'], template: 'CREATOR#${creatorId}', casing: 'none' },
      sk: { field: 'sk', composite: ['validFrom', 'version'], template: 'VERSION#${validFrom}#${version}', casing: 'none' },
    },
  },
});

/** One per attributed order: what the creator earns on it, and how much of it was reversed. */
export const commissionEntity = new Entity({
  model: { entity: 'commission', version: '1', service },
  attributes: {
    orderId: { type: 'string', required: true },
    creatorId: { type: 'string' },
    status: { type: ['pending_delivery', 'accrued', 'ineligible'] as const, required: true },
    reason: { type: 'string' },
    creatorVersion: { type: 'number' },
    rateBps: { type: 'number' },
    amountFen: { type: 'number', required: true },
    reversedFen: { type: 'number', required: true },
    refundedTotal: { type: 'number', required: true },
    paidTotal: { type: 'number', required: true },
    payableAt: { type: 'string' },
    period: { type: 'string' },
    version: { type: 'number', required: true },
  },
  indexes: {
    byOrder: {
      pk: { field: 'pk', composite: ['orderId'], template: 'COMMISSION#${orderId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'COMMISSION', casing: 'none' },
    },
  },
});

export const commissionEntryEntity = new Entity({
  model: { entity: 'commissionEntry', version: '2', service },
  attributes: {
    entryId: { type: 'string', required: true },
    orderId: { type: 'string', required: true },
    creatorId: { type: 'string', required: true },
    kind: { type: ['accrual', 'reversal'] as const, required: true },
    amountFen: { type: 'number', required: true },
    period: { type: 'string', required: true },
    bucket: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byPeriod: {
      pk: { field: 'pk', composite: ['period', 'bucket'], template: 'PAYABLE#${period}#${bucket}', casing: 'none' },
      sk: { field: 'sk', composite: ['creatorId', 'entryId'], template: 'creator#${creatorId}#${entryId}', casing: 'none' },
    },
    byOrder: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['orderId'], template: 'COMMISSION#${orderId}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['entryId'], template: 'ENTRY#${entryId}', casing: 'none' },
    },
    /** A creator's entries, newest first (operators read a creator with its commission entries). */
    byCreator: {
      index: 'gsi2',
      pk: { field: 'gsi2pk', composite: ['creatorId'], template: 'CREATOR#${creatorId}#ENTRIES', casing: 'none' },
      sk: { field: 'gsi2sk', composite: ['createdAt', 'entryId'], template: '${createdAt}#${entryId}', casing: 'none' },
    },
  },
});

/**
 * The head of the run sequence (one item): the latest period that has a run and the run
 * executing now, if any. Starting a run moves it (conditionally), and every payable entry
 * is written on the condition that its period is after `lastPeriod`: the fence that makes
 * "an entry committed before the run starts is in it" and "no entry lands in a period
 * already run" hold (0023).
 */
export const payoutHeadEntity = new Entity({
  model: { entity: 'payoutHead', version: '1', service },
  attributes: {
    lastPeriod: { type: 'string', required: true },
    runningPeriod: { type: 'string' },
    version: { type: 'number', required: true },
  },
  indexes: {
    byKey: {
      pk: { field: 'pk', composite: [], template: 'PAYOUTRUNS', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'HEAD', casing: 'none' },
    },
  },
});

/** One run per period (its key is the period): status, progress checkpoint, running totals, lease. */
export const payoutRunEntity = new Entity({
  model: { entity: 'payoutRun', version: '1', service },
  attributes: {
    period: { type: 'string', required: true },
    status: { type: ['running', 'completed'] as const, required: true },
    /** The first period whose entries this run settles (the one after the previous run's): catch-up. */
    fromPeriod: { type: 'string' },
    /** Resume point: `{ bucket, after }` (payee boundaries only; `after` is `<payeeType>#<payeeId>`). */
    checkpoint: { type: 'any' },
    /** The processor holding the run (fencing token) and until when (epoch ms of the holder's clock). */
    leaseToken: { type: 'string' },
    leaseExpiresAtMs: { type: 'number' },
    grossFen: { type: 'number', required: true },
    agencyFeeFen: { type: 'number', required: true },
    taxWithheldFen: { type: 'number', required: true },
    netFen: { type: 'number', required: true },
    lineCount: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
    updatedAt: { type: 'string', required: true },
    completedAt: { type: 'string' },
  },
  indexes: {
    byPeriod: {
      pk: { field: 'pk', composite: ['period'], template: 'PAYOUTRUN#${period}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'RUN', casing: 'none' },
    },
    /** Every run, by period (a handful a year): the list, newest first. */
    all: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: [], template: 'PAYOUTRUNS', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['period'], template: '${period}', casing: 'none' },
    },
  },
});

export const payoutLineEntity = new Entity({
  model: { entity: 'payoutLine', version: '1', service },
  attributes: {
    period: { type: 'string', required: true },
    creatorId: { type: 'string', required: true },
    /** The PayoutLine, plus the creator terms version it was computed with. */
    line: { type: 'any', required: true },
    creatorVersion: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byRun: {
      pk: { field: 'pk', composite: ['period'], template: 'PAYOUTRUN#${period}', casing: 'none' },
      sk: { field: 'sk', composite: ['creatorId'], template: 'LINE#${creatorId}', casing: 'none' },
    },
  },
});

/** Per creator: a negative period total carried into the next run, and the last period settled. */
export const payoutStateEntity = new Entity({
  model: { entity: 'payoutState', version: '1', service },
  attributes: {
    creatorId: { type: 'string', required: true },
    carryForwardFen: { type: 'number', required: true },
    lastPeriod: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byCreator: {
      pk: { field: 'pk', composite: ['creatorId'], template: 'CREATOR#${creatorId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'PAYOUTSTATE', casing: 'none' },
    },
  },
});

/** Year-to-date wages state per (creator, agency, year) for the cumulative withholding method. */
export const wagesYtdEntity = new Entity({
  model: { entity: 'wagesYtd', version: '1', service },
  attributes: {
    creatorId: { type: 'string', required: true },
    agencyId: { type: 'string', required: true },
    year: { type: 'number', required: true },
    ytd: { type: 'any', required: true },
    lastPeriod: { type: 'string', required: true },
    version: { type: 'number', required: true },
  },
  indexes: {
    byKey: {
      pk: { field: 'pk', composite: ['creatorId'], template: 'CREATOR#${creatorId}', casing: 'none' },
      sk: { field: 'sk', composite: ['agencyId', 'year'], template: 'YTD#${agencyId}#${year}', casing: 'none' },
    },
  },
});

/** A balanced double-entry posting: its lines sum to zero (debits +, credits -). */
export const ledgerPostingEntity = new Entity({
  model: { entity: 'ledgerPosting', version: '1', service },
  attributes: {
    postingId: { type: 'string', required: true },
    kind: { type: 'string', required: true },
    reference: { type: 'string', required: true },
    lines: { type: 'any', required: true },
    month: { type: 'string', required: true },
    bucket: { type: 'number', required: true },
    createdAt: { type: 'string', required: true },
  },
  indexes: {
    byId: {
      pk: { field: 'pk', composite: ['postingId'], template: 'LEDGER#${postingId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'POSTING', casing: 'none' },
    },
    byMonth: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['month', 'bucket'], template: 'LEDGER#${month}#${bucket}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['createdAt', 'postingId'], template: '${createdAt}#${postingId}', casing: 'none' },
    },
  },
});
