import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listAnswer } from './operator-reads.js';
import { listAgencies, type AgencyRecord } from './payout-reads.js';

export const agencyView = ({ agencyId, name, country, feeBps, createdAt }: AgencyRecord) => ({ id: agencyId, name, country, feeBps, createdAt });

/** GET /v1/admin/agencies: MCN agencies, newest first. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) => listAnswer('admin-agencies', query, listAgencies, agencyView));
