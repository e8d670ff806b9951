/** Events partners sent for numbers no shipment was booked with, read for operators with the document client. */
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { queryPage } from '../shared/db/read.js';
import { unknownTrackingPartition, unknownTrackingRecord, type UnknownTrackingRecord } from './logistics-items.js';

/**
 * One page of a partner's unknown-number events, newest first (one Query on gsi1, which
 * holds nothing else under the partner's list key), and the store position of the next page
 * in ElectroDB's cursor form, so cursors issued before the move keep working.
 */
export const listUnknownTracking = async (partnerCode: string, limit: number, position: string | null): Promise<{ events: UnknownTrackingRecord[]; next: string | null }> => {
  const page = await queryPage('unknownTracking', unknownTrackingRecord, { index: 'gsi1', partition: unknownTrackingPartition(partnerCode) }, { limit, descending: true, start: startKeyOf(position) });
  return { events: page.records, next: positionOf(page.next) };
};
