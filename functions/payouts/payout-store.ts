/** Reads shared by the payout handlers, and the ledger posting item builder. */
import { randomInt } from 'node:crypto';
import { createItem, type TransactItem } from '../shared/db/write.js';
import { termsOf, type CreatorTerms } from './creators.js';
import type { Posting } from './ledger.js';
import { newId } from '../shared/ids.js';
import { ledgerBuckets, ledgerPostingItem, payoutHeadKey, payoutHeadRecord, payoutRunKey, payoutRunRecord, creatorVersionRecord, creatorVersionsPrefix, type PayoutHeadRecord, type PayoutRunRecord } from './payout-items.js';
import { getRecord, queryAll } from '../shared/db/read.js';

/** The run head, strongly consistent (every fence and run decision reads it so). */
export const getHead = async (): Promise<PayoutHeadRecord | undefined> => getRecord('payoutHead', payoutHeadRecord, payoutHeadKey, true);

/** The period's run, strongly consistent. */
export const getRunRecord = async (period: string): Promise<PayoutRunRecord | undefined> => getRecord('payoutRun', payoutRunRecord, payoutRunKey(period), true);

/** The creator's terms in force at `at` (the latest version valid from then or before), with its number. */
export const termsAt = async (creatorId: string, at: string): Promise<{ terms: CreatorTerms; version: number } | undefined> => {
  const prefix = creatorVersionsPrefix(creatorId);
  const data = await queryAll('creatorVersion', creatorVersionRecord, { partition: prefix.pk, prefix: prefix.sk });
  const inForce = data.filter((v) => v.validFrom <= at).sort((a, b) => (a.validFrom === b.validFrom ? a.version - b.version : a.validFrom < b.validFrom ? -1 : 1)).at(-1);
  return inForce ? { terms: termsOf(inForce), version: inForce.version } : undefined;
};

/** A posting as a transaction item, indexed by month (bucketed) for the ledger balance checks. */
export const postingItem = (posting: Posting, now: Date): TransactItem =>
  createItem(
    ledgerPostingItem({
      postingId: newId('led'),
      kind: posting.kind,
      reference: posting.reference,
      lines: posting.lines,
      month: now.toISOString().slice(0, 7),
      bucket: randomInt(ledgerBuckets),
      createdAt: now.toISOString(),
    }),
  );
