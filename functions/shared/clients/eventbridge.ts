import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { tracer } from '../observability.js';

/** Created once per runtime; AWS_ENDPOINT_URL_EVENTBRIDGE points it at the local bus when run locally. */
export const eventBridge = tracer.captureAWSv3Client(new EventBridgeClient({ maxAttempts: 3 }));
