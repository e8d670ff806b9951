/**
 * What is behind one line of a payout run (GET /v1/payout-runs/{id}/lines/{creatorId}): the
 * commission entries the run settled for the creator (every period the run covers) and the
 * orders they came from. Pure: items in, the answer out. Amounts are Money (CNY).
 */
import { money, type Money } from '../shared/money.js';

export interface DetailEntry {
  readonly entryId: string;
  readonly orderId: string;
  readonly kind: 'accrual' | 'reversal';
  readonly amountFen: number;
  readonly period: string;
  readonly createdAt: string;
}

export interface DetailCommission {
  readonly orderId: string;
  readonly rateBps?: number | undefined;
  readonly amountFen: number;
  readonly reversedFen: number;
}

export interface DetailOrder {
  readonly orderId: string;
  readonly merchantId: string;
  readonly status: string;
  readonly createdAt: string;
  readonly deliveredAt?: string | undefined;
}

/** The most entries one answer lists (a creator's month is a few hundred orders at most in the pilot). */
export const lineDetailMaxEntries = 1_000;

const cny = (fen: number): Money => money(fen, 'CNY');
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const inOrder = (entries: readonly DetailEntry[]): DetailEntry[] =>
  [...entries].sort((a, b) => byText(a.period, b.period) || byText(a.createdAt, b.createdAt) || byText(a.entryId, b.entryId));

/** The orders behind the entries an answer shows (the first lineDetailMaxEntries, in its order): the ones to read. */
export const shownOrderIds = (entries: readonly DetailEntry[]): string[] =>
  [...new Set(inOrder(entries).slice(0, lineDetailMaxEntries).map((e) => e.orderId))].sort(byText);

export const lineDetail = (
  run: { runId: string; period: string; fromPeriod: string },
  line: { creatorId: string; grossFen: number },
  entries: readonly DetailEntry[],
  commissions: ReadonlyMap<string, DetailCommission>,
  orders: ReadonlyMap<string, DetailOrder>,
) => {
  const sorted = inOrder(entries);
  const shown = sorted.slice(0, lineDetailMaxEntries);
  const entriesFen = sorted.reduce((sum, e) => sum + e.amountFen, 0);
  const orderIds = shownOrderIds(entries);
  return {
    runId: run.runId,
    period: run.period,
    coversPeriods: { from: run.fromPeriod, to: run.period },
    creatorId: line.creatorId,
    gross: cny(line.grossFen),
    entriesTotal: cny(entriesFen),
    /** A negative total of earlier periods netted into this line (DOMAIN.md "Commissions"). */
    carriedIn: cny(line.grossFen - entriesFen),
    entries: shown.map((e) => ({ entryId: e.entryId, orderId: e.orderId, kind: e.kind, amount: cny(e.amountFen), period: e.period, createdAt: e.createdAt })),
    truncated: sorted.length > shown.length,
    orders: orderIds.map((orderId) => {
      const order = orders.get(orderId);
      const commission = commissions.get(orderId);
      return {
        orderId,
        merchantId: order?.merchantId ?? null,
        status: order?.status ?? null,
        createdAt: order?.createdAt ?? null,
        deliveredAt: order?.deliveredAt ?? null,
        commissionRateBps: commission?.rateBps ?? null,
        commission: cny(commission?.amountFen ?? 0),
        reversed: cny(commission?.reversedFen ?? 0),
      };
    }),
  };
};
