import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { checkAgency, saveCreatorVersion } from './creator-store.js';
import { createCreatorBody, creatorView, termsFrom } from './creators.js';

/** POST /v1/admin/creators: a creator under an agency or personal contract; `eligible` is derived. */
export const handler = httpHandler({ access: keyed('admin'), body: createCreatorBody }, async ({ body }) => {
  const terms = termsFrom(body);
  await checkAgency(terms);
  const creatorId = newId('cre');
  const now = clock();
  await saveCreatorVersion(creatorId, terms, undefined, now);
  return { status: 201, body: { creator: creatorView(creatorId, terms, { version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() }) } };
});
