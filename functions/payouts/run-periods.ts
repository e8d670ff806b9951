/**
 * The periods a payout run covers (0023): from the one after the previous run's through its
 * own (catch-up); the very first run reaches back a bounded way. One list for both payee
 * kinds, in the run and in the period preview, so a preview shows what the run would pay.
 */
import { getHead, getRunRecord } from './payout-store.js';
import { nextPeriod, previousPeriod } from './periods.js';

/** The very first run reaches back this many periods for entries (nothing is older than the system). */
const firstRunLookback = 36;

/** The first period a run after `lastPeriod` covers (the very first run reaches back a bounded way). */
export const firstPeriodAfter = (lastPeriod: string | undefined, period: string): string => {
  if (lastPeriod) return nextPeriod(lastPeriod);
  let from = period;
  for (let i = 1; i < firstRunLookback; i += 1) from = previousPeriod(from);
  return from;
};

/** The periods from `from` through `through`, oldest first. */
export const periodsOf = (from: string, through: string): string[] => {
  const periods: string[] = [];
  for (let p = from; p <= through; p = nextPeriod(p)) periods.push(p);
  return periods;
};

/** The periods a run for `period` covers: the run's own, or (before it exists) those it would cover now. */
export const runPeriods = async (period: string): Promise<string[]> => {
  const run = await getRunRecord(period);
  if (run?.fromPeriod) return periodsOf(run.fromPeriod, period);
  const head = await getHead();
  return periodsOf(firstPeriodAfter(head?.lastPeriod, period), period);
};
