import { db } from './db.js';
import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { merchantView } from './merchants.js';
import { idPath } from './operator-reads.js';

export const merchantPath = idPath('mer');

/** GET /v1/admin/merchants/{id}: one merchant (its keys: GET /v1/admin/api-keys?merchantId=). */
export const handler = httpHandler({ access: keyed('admin'), path: merchantPath }, async ({ path }) => {
  const { data } = await db().entities.merchant.get({ merchantId: path.id }).go();
  if (!data) throw new ProblemError('not_found');
  return { status: 200, body: { merchant: merchantView(data) } };
});
