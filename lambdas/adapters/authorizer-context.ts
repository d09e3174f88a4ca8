import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TokenError } from '../core/errors';

/**
 * The authorizer's context as API Gateway delivers it to an integration (values may arrive as strings). API Gateway
 * may serve a cached decision for its whole results-cache TTL, so a decision that outlived its token is refused here.
 *
 * @param nowMs epoch milliseconds: the handler's clock.
 */
export function readAuthorizerContext(event: APIGatewayProxyEvent, nowMs: number): Record<string, unknown> {
  const { principalId: _principalId, integrationLatency: _latency, ...context } = event.requestContext.authorizer ?? {};
  const validUntil = Number(context.validUntil);
  if (!Number.isFinite(validUntil) || validUntil * 1000 <= nowMs) {
    throw new TokenError('TOKEN_EXPIRED', 'the cached authorizer decision outlived the token');
  }
  return { ...context, validUntil };
}
