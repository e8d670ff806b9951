import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const correlationPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Correlation-Id` when it is a plain token, else API Gateway's request ID. */
const correlationOf = (event: APIGatewayProxyEventV2): string => {
  const given = event.headers['x-correlation-id'];
  return given && correlationPattern.test(given) ? given : event.requestContext.requestId;
};

/** The IDs every answer carries, so a caller can quote them. */
export const answerIds = (event: APIGatewayProxyEventV2): { 'x-request-id': string; 'x-correlation-id': string } => ({
  'x-request-id': event.requestContext.requestId,
  'x-correlation-id': correlationOf(event),
});
