import { creatorView, termsOf } from '../payouts/creators.js';
import type { CreatorItem } from '../payouts/entities.js';
import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listAnswer } from './operator-reads.js';

export const storedCreatorView = (c: CreatorItem) => creatorView(c.creatorId, termsOf(c), c);

/** GET /v1/admin/creators: creators with their current terms, newest registration first. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) =>
  listAnswer('admin-creators', query, (limit, cursor) => db().entities.creator.query.list({}).go({ order: 'desc', limit, cursor }), storedCreatorView),
);
