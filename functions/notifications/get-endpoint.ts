import { keyed } from '../shared/auth.js';
import { httpHandler, requireTenant } from '../shared/http.js';
import { endpointPath, endpointView, getEndpoint } from './endpoints.js';

/** GET /v1/webhook-endpoints/{id} (another merchant's endpoint is 404). */
export const handler = httpHandler({ access: keyed('merchant'), path: endpointPath }, async (request) => ({
  status: 200,
  body: { endpoint: endpointView(await getEndpoint(requireTenant(request), request.path.id)) },
}));
