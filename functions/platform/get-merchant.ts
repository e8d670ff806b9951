import { ProblemError } from '../shared/errors.js';
import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { getMerchant, merchantView } from './merchants.js';
import { idPath } from './operator-reads.js';

export const merchantPath = idPath('mer');

/** GET /v1/admin/merchants/{id}: one merchant (its keys: GET /v1/admin/api-keys?merchantId=). */
export const handler = httpHandler({ access: keyed('admin'), path: merchantPath }, async ({ path }) => {
  const merchant = await getMerchant(path.id);
  if (!merchant) throw new ProblemError('not_found');
  return { status: 200, body: { merchant: merchantView(merchant) } };
});
