import { eventHandler } from '../shared/event-handler.js';
import { onOrderDelivered } from './commissions.js';
import { OrderDelivered } from '../../events/schemas/logistics.js';


/** OrderDelivered -> the attributed creator's commission (or the reason there is none). */
export const handler = eventHandler([OrderDelivered], async ({ detail }) => onOrderDelivered(detail.data, { correlationId: detail.metadata.correlationId }));
