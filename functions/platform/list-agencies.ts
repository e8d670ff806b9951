import type { AgencyItem } from '../payouts/entities.js';
import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listAnswer } from './operator-reads.js';

export const agencyView = ({ agencyId, name, country, feeBps, createdAt }: AgencyItem) => ({ id: agencyId, name, country, feeBps, createdAt });

/** GET /v1/admin/agencies: MCN agencies, newest first. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) =>
  listAnswer('admin-agencies', query, (limit, cursor) => db().entities.agency.query.list({}).go({ order: 'desc', limit, cursor }), agencyView),
);
