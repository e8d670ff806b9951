import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { plainFailure, plainPublicRoute } from '../shared/plain-route.js';

/**
 * GET /health: 200 once the table answers a read; 503 until then. A plain route: a health check
 * that loads a middleware stack starts slower than what it checks (DESIGN: 1.1x a bare handler).
 */
export const handler = plainPublicRoute(async () => {
  try {
    await dynamodb.send(new GetItemCommand({ TableName: config.tableName(), Key: { pk: { S: 'HEALTH' }, sk: { S: 'HEALTH' } } }));
  } catch (cause) {
    plainFailure('health check failed', cause);
    return { problem: 'service_unavailable' };
  }
  return { status: 200, body: { status: 'ok' } };
});
