import { eventHandler } from '../shared/event-handler.js';
import { processRun } from './payout-runs.js';
import { PayoutRunRequested } from '../../events/schemas/payouts.js';


/** PayoutRunRequested -> the run processed (or resumed) to completion; retried on failure. */
export const handler = eventHandler([PayoutRunRequested], async ({ detail }) => {
  await processRun(detail.data.period, detail.metadata.correlationId);
});
