import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizerRuntime } from '../adapters/authorizer-runtime';
import { headerValue } from '../adapters/http-response';
import { countMetric, flushMetrics, logger, recordRefusal } from '../adapters/observability';
import { readRuntimeEnvironment } from '../adapters/runtime-environment';
import { BRAND_ID_PATTERN } from '../core/brand-config';
import { toGatewayError } from '../core/errors';

/** Lambda REQUEST authorizer: identity sources are the Authorization and X-Brand-Id headers. */
const authorize = createAuthorizerRuntime(readRuntimeEnvironment(process.env));
/** API Gateway maps exactly this message to a 401; one instance serves every refusal (it carries no request data). */
const UNAUTHORIZED = new Error('Unauthorized');

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const authorization = headerValue(event.headers, 'authorization');
  const brandId = headerValue(event.headers, 'x-brand-id');
  try {
    const decision = await authorize({ authorization, brandId, methodArn: event.methodArn });
    if (decision.missingBrandScopes.length > 0) {
      logger.warn('brand scopes missing', { code: 'INSUFFICIENT_SCOPE', brandId, missing: decision.missingBrandScopes });
      countMetric('Refused_INSUFFICIENT_SCOPE');
    }
    countMetric('Authorized');
    flushMetrics();
    return { principalId: decision.principalId, policyDocument: decision.policyDocument as never, context: decision.context };
  } catch (err) {
    // Every failure, ours or a dependency's, is a 401: the API fails closed.
    recordRefusal(toGatewayError(err), { brandId: brandId !== undefined && BRAND_ID_PATTERN.test(brandId) ? brandId : undefined });
    throw UNAUTHORIZED;
  }
};
