/**
 * The payout run's lease fence (0024), shared by every payee kind a run settles: a write
 * that carries `leaseFence` commits only while the run is `running` and held by `token`,
 * and renews the lease. A processor that lost its lease writes nothing more.
 */
import { patchItem, type Condition, type TransactItem } from '../shared/db/write.js';
import { payoutRunKey } from './payout-items.js';
import { getRunRecord } from './payout-store.js';

/** The lease moved to another processor: this one stops without writing anything more. */
export class LeaseLostError extends Error {
  constructor(period: string) {
    super(`payout run ${period} is held by another processor`);
    this.name = 'LeaseLostError';
  }
}

/** Who holds the run: its period, the holder's token and how long a write renews the lease for. */
export interface RunLease {
  readonly period: string;
  readonly token: string;
  readonly leaseMs: number;
}

/** The run is still running and held by `token`. */
export const heldBy = (token: string): Condition => ({
  expression: '#status = :running AND #leaseToken = :token',
  names: { '#status': 'status', '#leaseToken': 'leaseToken' },
  values: { ':running': 'running', ':token': token },
});

/** The run item as a transaction condition: still running, still ours; renews the lease. */
export const leaseFence = (lease: RunLease, now: Date): TransactItem =>
  patchItem(payoutRunKey(lease.period), 'payoutRun', { set: { updatedAt: now.toISOString(), leaseExpiresAtMs: Date.now() + lease.leaseMs, period: lease.period } }, heldBy(lease.token));

/** After a canceled fenced write: LeaseLostError when the lease moved, otherwise what changed (retry). */
export const canceledUnderLease = async (lease: RunLease, what: string): Promise<never> => {
  const run = await getRunRecord(lease.period);
  if (run?.leaseToken !== lease.token) throw new LeaseLostError(lease.period);
  throw new Error(`${what} changed while settling ${lease.period}; the run will be retried`);
};
