import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** Created once per runtime; AWS_ENDPOINT_URL_EVENTBRIDGE points it at the local bus when run locally. */
export const eventBridge = new EventBridgeClient({ maxAttempts: 3 });
