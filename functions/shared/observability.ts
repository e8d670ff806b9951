/**
 * Logger and metrics: created once per runtime and shared by every handler in a bundle.
 * Tracing is Lambda's own active tracing (set by the house construct), not an SDK in the
 * bundle: docs/decisions/0034-tracing-without-the-xray-sdk.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'xborder';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'xborder', serviceName });
