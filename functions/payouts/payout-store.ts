/** Reads shared by the payout handlers, and the ledger posting item builder. */
import { randomInt } from 'node:crypto';
import { db, type TransactionEntities } from './db.js';
import { ledgerBuckets } from './entities.js';
import { termsOf, type CreatorTerms } from './creators.js';
import type { Posting } from './ledger.js';
import { newId } from '../shared/ids.js';

/** The creator's terms in force at `at` (the latest version valid from then or before), with its number. */
export const termsAt = async (creatorId: string, at: string): Promise<{ terms: CreatorTerms; version: number } | undefined> => {
  const { data } = await db().entities.creatorVersion.query.byVersion({ creatorId }).go({ pages: 'all' });
  const inForce = data.filter((v) => v.validFrom <= at).sort((a, b) => (a.validFrom === b.validFrom ? a.version - b.version : a.validFrom < b.validFrom ? -1 : 1)).at(-1);
  return inForce ? { terms: termsOf(inForce), version: inForce.version } : undefined;
};

/** A posting as a transaction item, indexed by month (bucketed) for the ledger balance checks. */
export const postingItem = (tx: TransactionEntities, posting: Posting, now: Date) =>
  tx.ledgerPosting
    .create({
      postingId: newId('led'),
      kind: posting.kind,
      reference: posting.reference,
      lines: posting.lines,
      month: now.toISOString().slice(0, 7),
      bucket: randomInt(ledgerBuckets),
      createdAt: now.toISOString(),
    })
    .commit();
