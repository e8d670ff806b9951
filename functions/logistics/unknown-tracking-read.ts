/** Events partners sent for numbers no shipment was booked with, read for operators with the document client. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/clients/dynamodb.js';
import { config } from '../shared/config.js';
import { positionOf, startKeyOf } from '../shared/db/position.js';
import { parseStored } from '../shared/db/stored-item.js';
import { unknownTrackingPartition, unknownTrackingRecord, type UnknownTrackingRecord } from './logistics-items.js';

/**
 * One page of a partner's unknown-number events, newest first (one Query on gsi1, which
 * holds nothing else under the partner's list key), and the store position of the next page
 * in ElectroDB's cursor form, so cursors issued before the move keep working.
 */
export const listUnknownTracking = async (partnerCode: string, limit: number, position: string | null): Promise<{ events: UnknownTrackingRecord[]; next: string | null }> => {
  const start = startKeyOf(position);
  const page = await documentClient.send(
    new QueryCommand({
      TableName: config.tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': unknownTrackingPartition(partnerCode) },
      ScanIndexForward: false,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const events = (page.Items ?? [])
    .filter((item) => item.__edb_e__ === 'unknownTracking')
    .map((item) => parseStored(unknownTrackingRecord, item, `unknownTracking item ${String(item.pk)} ${String(item.sk)}`));
  return { events, next: positionOf(page.LastEvaluatedKey) };
};
