/**
 * DynamoDB clients, created once per runtime. The endpoint comes from the SDK's own
 * configuration (AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local), so the same
 * code runs on AWS and locally.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamodb = new DynamoDBClient({ maxAttempts: 4 });
export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
