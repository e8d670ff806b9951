import { db } from './db.js';
import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { endpointPath, getEndpoint } from './endpoints.js';

/** DELETE /v1/webhook-endpoints/{id}: nothing more is sent to it (pending deliveries end as failed). */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath }, async (request) => {
  const merchantId = requireTenant(request);
  const endpoint = await getEndpoint(merchantId, request.path.id);
  await db().entities.webhookEndpoint.delete({ merchantId, endpointId: endpoint.endpointId }).go();
  return { status: 204 };
});
