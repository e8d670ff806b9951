/**
 * Handler overhead: time spent in our code per request, with DynamoDB answered
 * instantly by aws-sdk-client-mock (DESIGN budget: p50 <= 2 ms, p99 <= 10 ms), and
 * the DynamoDB round trips each request makes (counted, not assumed).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { issueApiKey } from '../functions/shared/api-keys.js';
import { apiEvent, lambdaContext } from '../test/support/api-event.js';

export interface OverheadRow {
  readonly route: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly dynamoCallsPerRequest: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export const handlerOverhead = async (iterations: number): Promise<OverheadRow[]> => {
  Object.assign(process.env, {
    TABLE_NAME: 'bench',
    ADMIN_API_KEY: issueApiKey().apiKey,
    CURSOR_KEY: 'bench-cursor-key',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
  const document = mockClient(DynamoDBDocumentClient);
  const raw = mockClient(DynamoDBClient);
  document.on(TransactWriteCommand).resolves({});
  document.on(QueryCommand).resolves({ Items: [] });
  raw.resolves({});
  const auth = { authorization: `Bearer ${process.env.ADMIN_API_KEY}` };
  const cases = [
    { route: 'GET /health', module: '../functions/platform/health.js', event: () => apiEvent('GET /health') },
    { route: 'POST /v1/admin/api-keys', module: '../functions/platform/create-api-key.js', event: () => apiEvent('POST /v1/admin/api-keys', { headers: auth, body: '{"role":"finance"}' }) },
    { route: 'GET /v1/admin/audit-events', module: '../functions/platform/list-audit-events.js', event: () => apiEvent('GET /v1/admin/audit-events', { headers: auth, query: { limit: '20' } }) },
  ];
  const rows: OverheadRow[] = [];
  for (const c of cases) {
    const { handler } = (await import(c.module)) as { handler: (e: unknown, ctx: unknown) => Promise<{ statusCode?: number }> };
    const context = lambdaContext('bench');
    for (let i = 0; i < 200; i += 1) await handler(c.event(), context); // warm-up (JIT, caches)
    document.resetHistory();
    raw.resetHistory();
    const times: number[] = [];
    for (let i = 0; i < iterations; i += 1) {
      const event = c.event();
      const start = process.hrtime.bigint();
      const response = await handler(event, context);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if ((response.statusCode ?? 500) >= 400) throw new Error(`${c.route} answered ${response.statusCode}`);
    }
    times.sort((a, b) => a - b);
    const calls = document.calls().length + raw.calls().length;
    rows.push({ route: c.route, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), dynamoCallsPerRequest: calls / iterations });
  }
  document.restore();
  raw.restore();
  return rows;
};
