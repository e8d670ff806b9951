import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listMerchants, merchantView } from './merchants.js';
import { listAnswer } from './operator-reads.js';

/** GET /v1/admin/merchants: enrolled merchants, newest first. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) =>
  listAnswer('admin-merchants', query, listMerchants, merchantView),
);
