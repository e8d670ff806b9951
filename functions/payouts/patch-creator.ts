import * as z from 'zod/mini';
import { ProblemError } from '../shared/errors.js';
import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { checkAgency, getCreator, saveCreatorVersion } from './creator-store.js';
import { patchCreatorBody } from './creator-body.js';
import { changedTerms, creatorView, patchTerms, termsOf } from './creators.js';
import { CreatorTermsChanged } from '../../events/schemas/platform.js';

export const creatorPath = z.object({ id: z.string().check(z.startsWith('cre_')) });

/**
 * PATCH /v1/admin/creators/{id}: changes some terms. Every change is a new version, valid
 * from now: commissions and payouts keep using the terms that were in force for them.
 */
export const handler = httpHandler({ access: keyed('admin'), path: creatorPath, body: patchCreatorBody }, async (request) => {
  const { path, body } = request;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const creator = await getCreator(path.id);
    if (!creator) throw new ProblemError('not_found');
    const before = termsOf(creator);
    const terms = patchTerms(before, body);
    if (terms.contract.type === 'agency' && !terms.contract.agencyId) {
      throw new ProblemError('validation_failed', { errors: [{ path: 'contract.agencyId', message: 'required for an agency contract' }] });
    }
    await checkAgency(terms);
    const now = clock();
    const changed = changedTerms(before, terms);
    const event = outboxEvent(
      CreatorTermsChanged,
      { creatorId: path.id, previousVersion: creator.version, version: creator.version + 1, changed, previousContract: before.contract, contract: terms.contract, validFrom: now.toISOString() },
      requestContext(request, now),
    );
    if (await saveCreatorVersion(path.id, terms, creator, now, event)) {
      return { status: 200, body: { creator: creatorView(path.id, terms, { version: creator.version + 1, createdAt: creator.createdAt, updatedAt: now.toISOString() }) } };
    }
  }
  throw new ProblemError('idempotency_in_progress');
});
