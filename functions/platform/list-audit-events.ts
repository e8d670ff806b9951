import { keyed } from '../shared/auth.js';
import { httpHandler } from '../shared/http.js';
import { listQuery, pageOf, readCursor } from '../shared/pagination.js';
import { listAuditEvents } from './audit-items.js';

const scope = 'audit-events';

/** GET /v1/admin/audit-events: the audit trail, newest first: who (`actor`: key id and role; null = the system), what, when. */
export const handler = httpHandler({ access: keyed('admin'), query: listQuery }, async ({ query }) => {
  const position = await readCursor(scope, query.cursor);
  const { data, cursor } = await listAuditEvents(query.limit, position);
  const events = data.map((e) => ({
    eventId: e.eventId,
    source: e.source,
    detailType: e.detailType,
    occurredAt: e.occurredAt,
    actor: e.actor ?? null,
    correlationId: e.correlationId,
    data: e.data,
  }));
  return { status: 200, body: await pageOf(scope, events, cursor) };
});
