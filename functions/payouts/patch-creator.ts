import * as z from 'zod';
import { db } from '../shared/db/service.js';
import { ProblemError } from '../shared/errors.js';
import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { checkAgency, saveCreatorVersion } from './creator-store.js';
import { creatorView, patchCreatorBody, patchTerms, type CreatorTerms } from './creators.js';

export const creatorPath = z.object({ id: z.string().startsWith('cre_') });

/**
 * PATCH /v1/admin/creators/{id}: changes some terms. Every change is a new version, valid
 * from now: commissions and payouts keep using the terms that were in force for them.
 */
export const handler = httpHandler({ access: keyed('admin'), path: creatorPath, body: patchCreatorBody }, async ({ path, body }) => {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { data: creator } = await db().entities.creator.get({ creatorId: path.id }).go({ consistent: true });
    if (!creator) throw new ProblemError('not_found');
    const terms = patchTerms(creator.terms as CreatorTerms, body);
    if (terms.contract.type === 'agency' && !terms.contract.agencyId) {
      throw new ProblemError('validation_failed', { errors: [{ path: 'contract.agencyId', message: 'required for an agency contract' }] });
    }
    await checkAgency(terms);
    const now = clock();
    if (await saveCreatorVersion(path.id, terms, creator, now)) {
      return { status: 200, body: { creator: creatorView(path.id, terms, { version: creator.version + 1, createdAt: creator.createdAt, updatedAt: now.toISOString() }) } };
    }
  }
  throw new ProblemError('idempotency_in_progress');
});
