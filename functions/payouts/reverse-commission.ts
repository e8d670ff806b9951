import { eventHandler } from '../shared/event-handler.js';
import { onOrderRefunded } from './commissions.js';
import { OrderRefunded } from '../../events/schemas/orders.js';


/** OrderRefunded -> the commission reversed in proportion (after payout: netted in the next period). */
export const handler = eventHandler([OrderRefunded], async ({ detail }) => onOrderRefunded(detail.data, { correlationId: detail.metadata.correlationId }));
