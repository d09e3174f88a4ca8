import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorizerDependencies, type AuthorizerDependencies } from '../adapters/authorizer-runtime';
import { handlerFromEnvironment } from '../adapters/handler-from-environment';
import { headerValue } from '../adapters/http-headers';
import { translateError } from '../adapters/library-errors';
import { denyOutcome, isJwksFailure, observability as defaultObservability, UNKNOWN_BRAND } from '../adapters/observability';
import { BRAND_ID_PATTERN } from '../core/brand-config';

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/** API Gateway maps exactly this message to a 401; one instance serves every refusal (it carries no request data). */
const UNAUTHORIZED = new Error('Unauthorized');

/** Lambda REQUEST authorizer: identity sources are the Authorization and X-Brand-Id headers. */
export function createAuthorizerHandler(deps: AuthorizerDependencies): AuthorizerHandler {
  const { authorize, onRefusal, observability = defaultObservability, brandFound } = deps;
  const brandDimension = (brandId: string | undefined) => (brandId !== undefined && brandFound?.(brandId) ? brandId : UNKNOWN_BRAND);
  return async (event) => {
    const authorization = headerValue(event.headers, 'authorization');
    const brandId = headerValue(event.headers, 'x-brand-id');
    try {
      const decision = await authorize({ authorization, brandId, methodArn: event.methodArn });
      if (decision.missingBrandScopes.length > 0) {
        observability.recordMissingScopes({ brandId: decision.context.brandId, missing: decision.missingBrandScopes });
        onRefusal?.(event, 'INSUFFICIENT_SCOPE');
      }
      const outcome = decision.missingBrandScopes.length > 0 ? 'deny_scope' : 'allow';
      observability.recordBrandMetric?.({ name: 'Decisions', brand: brandDimension(decision.context.brandId), outcome });
      observability.recordAuthorized();
      return {
        principalId: decision.principalId,
        policyDocument: decision.policyDocument as never,
        context: decision.context,
        // The brand's API key: API Gateway meters and throttles the request on that key's usage plan (its tier).
        ...(decision.usageIdentifierKey === undefined ? {} : { usageIdentifierKey: decision.usageIdentifierKey }),
      };
    } catch (err) {
      // Every failure, ours or a dependency's, is a 401: the API fails closed.
      const error = translateError(err);
      observability.recordRefusal(error, { brandId: brandId !== undefined && BRAND_ID_PATTERN.test(brandId) ? brandId : undefined });
      const brand = brandDimension(brandId);
      observability.recordBrandMetric?.({ name: 'Decisions', brand, outcome: denyOutcome(error) });
      if (isJwksFailure(error)) observability.recordBrandMetric?.({ name: 'JwksFailures', brand });
      onRefusal?.(event, error.code);
      throw UNAUTHORIZED;
    }
  };
}

export const handler = handlerFromEnvironment('authorizer', (env) => createAuthorizerHandler(authorizerDependencies(env)));
