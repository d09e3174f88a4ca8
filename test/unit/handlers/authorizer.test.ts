import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerDependencies } from '../../../lambdas/adapters/authorizer-runtime';
import type { AuthorizationDecision, AuthorizeInput } from '../../../lambdas/core/authorize-request';
import { ConfigValidationError, TokenError, UpstreamError, type ErrorCode } from '../../../lambdas/core/errors';
import { routePolicy } from '../../../lambdas/core/route-policy';
import { createAuthorizerHandler, handler } from '../../../lambdas/handlers/authorizer';
import { recordingObservability } from '../../support/handler-fakes';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/v1/whoami';

function authorizerEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  return { type: 'REQUEST', methodArn: METHOD_ARN, headers } as unknown as APIGatewayRequestAuthorizerEvent;
}

function decision(missingBrandScopes: readonly string[] = []): AuthorizationDecision {
  return {
    principalId: 'brand-a|user-1',
    policyDocument: routePolicy({ abcdef1234: { 'GET /v1/me': ['openid'] } })(METHOD_ARN, new Set(['openid']), missingBrandScopes.length > 0),
    context: { brandId: 'brand-a', sub: 'user-1', iss: 'https://issuer.example', principalType: 'customer', tokenType: 'access', scopes: 'openid', validUntil: 1, iat: 0 },
    missingBrandScopes,
  };
}

/** The handler over a fake engine that answers `outcome`, recording what it was asked and what was reported. */
function setup(outcome: () => Promise<AuthorizationDecision>, withHook = true) {
  const inputs: AuthorizeInput[] = [];
  const refusals: { event: unknown; code: ErrorCode }[] = [];
  const observability = recordingObservability();
  const deps: AuthorizerDependencies = {
    authorize: (input) => {
      inputs.push(input);
      return outcome();
    },
    observability,
    ...(withHook ? { onRefusal: (event: unknown, code: ErrorCode) => refusals.push({ event, code }) } : {}),
  };
  return { handle: createAuthorizerHandler(deps), inputs, refusals, observability };
}

const GOOD_HEADERS = { AUTHORIZATION: 'Bearer abc.def.ghi', 'x-BRAND-id': 'brand-a' };

describe('createAuthorizerHandler', () => {
  it('hands the engine both identity sources, whatever their case, and answers its decision', async () => {
    const { handle, inputs, refusals, observability } = setup(async () => decision());
    const result = await handle(authorizerEvent(GOOD_HEADERS));
    expect(inputs).toEqual([{ authorization: 'Bearer abc.def.ghi', brandId: 'brand-a', methodArn: METHOD_ARN }]);
    expect(result).toEqual({ principalId: 'brand-a|user-1', policyDocument: decision().policyDocument, context: decision().context });
    expect(observability.authorized).toBe(1);
    expect([observability.refusals, refusals]).toEqual([[], []]);
  });

  it("returns the brand's API key as usageIdentifierKey, for API Gateway's usage plans, when the brand has one", async () => {
    const { handle } = setup(async () => ({ ...decision(), usageIdentifierKey: 'k'.repeat(40) }));
    expect(await handle(authorizerEvent(GOOD_HEADERS))).toMatchObject({ principalId: 'brand-a|user-1', usageIdentifierKey: 'k'.repeat(40) });
    expect(await setup(async () => decision()).handle(authorizerEvent(GOOD_HEADERS))).not.toHaveProperty('usageIdentifierKey');
  });

  it('refuses with exactly Error("Unauthorized"), reports the stable code, and tells the local hook', async () => {
    const { handle, refusals, observability } = setup(async () => {
      throw new TokenError('KEY_NOT_FOUND', 'no key with kid k9');
    });
    const event = authorizerEvent(GOOD_HEADERS);
    await expect(handle(event)).rejects.toThrow(new Error('Unauthorized'));
    expect(refusals).toEqual([{ event, code: 'KEY_NOT_FOUND' }]);
    expect(observability.refusals).toEqual([{ code: 'KEY_NOT_FOUND', fields: { brandId: 'brand-a' } }]);
    expect(observability.authorized).toBe(0);
  });

  it('fails closed on a dependency failure or a bug, with its code', async () => {
    for (const [thrown, code] of [[new UpstreamError('STORE_UNAVAILABLE', 'throttled'), 'STORE_UNAVAILABLE'], [new TypeError('bug'), 'INTERNAL']] as const) {
      const { handle, refusals } = setup(async () => {
        throw thrown;
      });
      await expect(handle(authorizerEvent(GOOD_HEADERS))).rejects.toThrow('Unauthorized');
      expect(refusals.map((r) => r.code)).toEqual([code]);
    }
  });

  it('never logs a brand id that is not one: it could be anything the caller sent', async () => {
    const { handle, observability } = setup(async () => {
      throw new TokenError('BRAND_HEADER_INVALID', 'malformed');
    });
    await expect(handle(authorizerEvent({ authorization: 'Bearer a.b.c', 'x-brand-id': 'Bearer eyJ-secret' }))).rejects.toThrow('Unauthorized');
    expect(observability.refusals).toEqual([{ code: 'BRAND_HEADER_INVALID', fields: { brandId: undefined } }]);
  });

  it('answers the Deny-everything decision for missing brand scopes, and tells the hook INSUFFICIENT_SCOPE', async () => {
    const { handle, refusals, observability } = setup(async () => decision(['loyalty']));
    const event = authorizerEvent(GOOD_HEADERS);
    const result = await handle(event);
    expect(result.policyDocument.Statement.every((statement) => statement.Effect === 'Deny')).toBe(true);
    expect(refusals).toEqual([{ event, code: 'INSUFFICIENT_SCOPE' }]);
    expect(observability.missingScopes).toEqual([{ brandId: 'brand-a', missing: ['loyalty'] }]);
  });

  it('runs without the local hook, as in AWS: nothing of it reaches the answer', async () => {
    const refused = setup(async () => {
      throw new TokenError('TOKEN_EXPIRED', 'old');
    }, false);
    await expect(refused.handle(authorizerEvent(GOOD_HEADERS))).rejects.toThrow(new Error('Unauthorized'));
    const denied = setup(async () => decision(['loyalty']), false);
    expect(Object.keys(await denied.handle(authorizerEvent(GOOD_HEADERS)))).toEqual(['principalId', 'policyDocument', 'context']);
  });
});

describe('the deployed handler', () => {
  it('loads without an environment, and then refuses every call with the variables it misses', async () => {
    // The unit project sets no STAGE or table names: importing the module must still work, for its factory.
    for (let i = 0; i < 2; i += 1) {
      const failure = handler(authorizerEvent(GOOD_HEADERS));
      await expect(failure).rejects.toBeInstanceOf(ConfigValidationError);
      await expect(failure).rejects.toMatchObject({ code: 'ENVIRONMENT_INVALID', problems: expect.arrayContaining(['STAGE is required', 'BRAND_TABLE_NAME is required']) });
    }
  });
});
