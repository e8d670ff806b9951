import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery } from '../shared/pagination.js';
import { listAnswer } from './operator-reads.js';
import { listPartners, partnerView } from './partner-reads.js';

/** GET /v1/admin/logistics-partners: partners by code, with their secrets' ids (never a secret). */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) => listAnswer('admin-partners', query, listPartners, partnerView));
