import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TokenError } from '../core/errors';
import { isRevoked, type RevocationState } from '../core/revocation';

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

/** What revocation is decided on: the verified token's `iat` and, when it has one, `sid`. */
export interface RevocationClaims {
  readonly iat: number;
  readonly sid?: string;
}

/**
 * The `iat` and `sid` of the token API Gateway authorized (the caller's claims, decoded once the authorizer verified
 * them). A token without a usable `iat` cannot be checked against a subject's watermark, so it is refused rather than
 * let through (the authorizer refuses such tokens anyway).
 */
export function revocationClaimsOf(claims: Readonly<Record<string, unknown>>): RevocationClaims {
  const { iat, sid } = claims;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new TokenError('CLAIM_INVALID', 'the token has no iat');
  return { iat, ...(typeof sid === 'string' && sid !== '' ? { sid } : {}) };
}

/** Refuses a token whose subject or session is revoked (a cached decision may have let it through). */
export async function refuseRevoked(
  revocations: { stateOf(brandId: string, sub: string, sid?: string): Promise<RevocationState> },
  brandId: string,
  sub: string,
  claims: RevocationClaims,
): Promise<void> {
  if (isRevoked(claims, await revocations.stateOf(brandId, sub, claims.sid))) throw new TokenError('TOKEN_REVOKED', 'the token\'s subject or session was revoked');
}
