import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listAnswer } from './operator-reads.js';
import { listCreators, storedCreatorView } from './payout-reads.js';

/** GET /v1/admin/creators: creators with their current terms, newest registration first. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) => listAnswer('admin-creators', query, listCreators, storedCreatorView));
