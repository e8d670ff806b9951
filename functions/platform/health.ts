import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { ProblemError } from '../shared/errors.js';
import { httpHandler, publicRoute } from '../shared/http.js';

/** GET /health: 200 once the table answers a read; 503 until then. */
export const handler = httpHandler({ access: publicRoute }, async () => {
  try {
    await dynamodb.send(new GetItemCommand({ TableName: config.tableName(), Key: { pk: { S: 'HEALTH' }, sk: { S: 'HEALTH' } } }));
  } catch (cause) {
    throw new ProblemError('service_unavailable', { cause });
  }
  return { status: 200, body: { status: 'ok' } };
});
