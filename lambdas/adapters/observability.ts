import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CiamGatewayError } from '../core/errors';

/**
 * Structured logs and EMF metrics. Service name and namespace come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE, which the stack sets. Only codes and our own messages are logged: never a
 * header value that could hold a credential, and never the token.
 */
export const logger = new Logger();
export const metrics = new Metrics();

/** One log line and one metric per refusal, by stable code. */
export function recordRefusal(error: CiamGatewayError, fields: Readonly<Record<string, string | undefined>>): void {
  const level = error.status >= 500 ? 'error' : 'warn';
  logger[level]('request refused', { code: error.code, reason: error.message, ...fields });
  metrics.addMetric(`Refused_${error.code}`, MetricUnit.Count, 1);
}
