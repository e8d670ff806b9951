import { now as clock } from '../shared/clock.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { newId } from '../shared/ids.js';
import { outboxEvent, requestContext } from '../shared/outbox.js';
import { checkAgency, saveCreatorVersion } from './creator-store.js';
import { createCreatorBody } from './creator-body.js';
import { creatorView, termsFrom } from './creators.js';
import { CreatorRegistered } from '../../events/schemas/platform.js';

/** POST /v1/admin/creators: a creator under an agency or personal contract; `eligible` is derived. */
export const handler = httpHandler({ access: keyed('admin'), body: createCreatorBody }, async (request) => {
  const terms = termsFrom(request.body);
  await checkAgency(terms);
  const creatorId = newId('cre');
  const now = clock();
  const registered = outboxEvent(CreatorRegistered, { creatorId, version: 1, contract: terms.contract, registeredAt: now.toISOString() }, requestContext(request, now));
  await saveCreatorVersion(creatorId, terms, undefined, now, registered);
  return { status: 201, body: { creator: creatorView(creatorId, terms, { version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString() }) } };
});
