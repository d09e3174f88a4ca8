/**
 * The per-brand metrics, asserted from the EMF lines Powertools writes to stdout (what CloudWatch ingests), for
 * each outcome of the authorizer and of the link and register routes.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { flushMetrics } from '../../lambdas/adapters/observability';
import { createOpaqueTokenValidation } from '../../lambdas/adapters/opaque-token-validation';
import type { AuthorizationDecision } from '../../lambdas/core/authorize-request';
import { InternalError, TokenError, UpstreamError, type CiamGatewayError } from '../../lambdas/core/errors';
import { JwksCache } from '../../lambdas/core/jwks-cache';
import { createAuthorizerHandler } from '../../lambdas/handlers/authorizer';
import { createLinkCustomerHandler } from '../../lambdas/handlers/link-customer';
import { createRegisterCustomerHandler } from '../../lambdas/handlers/register-customer';
import { makeKey } from '../support/tokens';
import { brand, fakeClock, fakeJwksSource, ISSUER, NOW } from './fixtures';
import { customerEvent, customerRoute } from './handlers/customer-route-fakes';

// Read when Powertools is first loaded, which observability.ts does lazily: after these lines.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'CiamGateway';
process.env.POWERTOOLS_SERVICE_NAME = 'ciam-gateway';

interface EmfLine {
  readonly dimensions: readonly string[];
  readonly values: Record<string, unknown>;
}

/** Every EMF line written while `run` ran, flushed at its end: dimension names, and the line's other fields. */
async function emfOf(run: () => Promise<unknown>): Promise<EmfLine[]> {
  flushMetrics({ force: true });
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await run();
    flushMetrics({ force: true });
  } finally {
    spy.mockRestore();
  }
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => {
      const { _aws, ...values } = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } } & Record<string, unknown>;
      const [directive] = _aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe('CiamGateway');
      return { dimensions: directive?.Dimensions[0] ?? [], values };
    });
}

/** The per-brand lines only (the gateway-wide counts have the service dimension alone). */
const brandLines = (lines: EmfLine[]) => lines.filter((line) => line.dimensions.includes('brand'));

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/v1/whoami';
const event = (brandId: string) => ({ type: 'REQUEST', methodArn: METHOD_ARN, headers: { authorization: 'Bearer a.b.c', 'x-brand-id': brandId } }) as unknown as APIGatewayRequestAuthorizerEvent;

function decision(missingBrandScopes: readonly string[] = []): AuthorizationDecision {
  return {
    principalId: 'brand-a|user-1',
    policyDocument: { Version: '2012-10-17', Statement: [] },
    context: { brandId: 'brand-a', sub: 'user-1', iss: 'https://issuer.example', principalType: 'customer', tokenType: 'access', scopes: 'openid', validUntil: 1, iat: 0 },
    missingBrandScopes,
  };
}

/** The authorizer over an engine that answers `outcome`, with the real (Powertools) reports; brand-a is in the table. */
const authorizer = (outcome: () => Promise<AuthorizationDecision>) =>
  createAuthorizerHandler({ authorize: outcome, brandFound: (brandId) => brandId === 'brand-a' });

describe('per-brand decision metrics, from the EMF output', () => {
  it('counts an allow under its brand and outcome, beside the gateway-wide count', async () => {
    const lines = await emfOf(() => authorizer(async () => decision())(event('brand-a')));
    expect(lines).toEqual([
      { dimensions: ['service'], values: { service: 'ciam-gateway', Authorized: 1 } },
      { dimensions: ['service', 'brand', 'outcome'], values: { service: 'ciam-gateway', brand: 'brand-a', outcome: 'allow', Decisions: 1 } },
    ]);
  });

  it('counts a good token lacking the brand scopes as a deny by scope, not an allow', async () => {
    const lines = await emfOf(() => authorizer(async () => decision(['loyalty']))(event('brand-a')));
    expect(brandLines(lines).map((line) => line.values)).toEqual([{ service: 'ciam-gateway', brand: 'brand-a', outcome: 'deny_scope', Decisions: 1 }]);
  });

  it.each<[string, CiamGatewayError, string]>([
    ['an expired token', new TokenError('TOKEN_EXPIRED', 'exp'), 'deny_token'],
    ['a bad signature', new TokenError('SIGNATURE_INVALID', 'sig'), 'deny_token'],
    ['a revoked token', new TokenError('TOKEN_REVOKED', 'revoked'), 'deny_revoked'],
    ['a disabled brand', new TokenError('BRAND_DISABLED', 'disabled'), 'deny_disabled'],
    ['the brand table failing', new UpstreamError('STORE_UNAVAILABLE', 'throttled'), 'deny_dependency'],
    ['a bug', new InternalError('bug'), 'deny_dependency'],
  ])('counts %s under its reason class', async (_what, error, outcome) => {
    const lines = await emfOf(() => authorizer(() => Promise.reject(error))(event('brand-a')).catch(() => undefined));
    expect(brandLines(lines).map((line) => line.values)).toEqual([{ service: 'ciam-gateway', brand: 'brand-a', outcome, Decisions: 1 }]);
    expect(lines.find((line) => !line.dimensions.includes('brand'))?.values).toEqual({ service: 'ciam-gateway', [`Refused_${error.code}`]: 1 });
  });

  it.each(['JWKS_UNAVAILABLE', 'JWKS_INVALID', 'FETCH_TIMEOUT'] as const)('counts %s as a JWKS failure of the brand too', async (code) => {
    const lines = await emfOf(() => authorizer(() => Promise.reject(new UpstreamError(code, 'keys')))(event('brand-a')).catch(() => undefined));
    expect(brandLines(lines)).toEqual([
      { dimensions: ['service', 'brand', 'outcome'], values: { service: 'ciam-gateway', brand: 'brand-a', outcome: 'deny_dependency', Decisions: 1 } },
      { dimensions: ['service', 'brand'], values: { service: 'ciam-gateway', brand: 'brand-a', JwksFailures: 1 } },
    ]);
  });

  it('counts brand ids the table does not hold under "-", so junk ids cannot create metrics', async () => {
    const lines = await emfOf(async () => {
      for (let i = 0; i < 50; i += 1) {
        await authorizer(() => Promise.reject(new TokenError(i % 2 ? 'BRAND_UNKNOWN' : 'TOKEN_MALFORMED', 'junk')))(event(`junk-${i}`)).catch(() => undefined);
      }
    });
    expect(brandLines(lines).map((line) => line.values)).toEqual([
      { service: 'ciam-gateway', brand: '-', outcome: 'deny_token', Decisions: 25 },
      { service: 'ciam-gateway', brand: '-', outcome: 'deny_brand_unknown', Decisions: 25 },
    ]);
  });

  it('aggregates many decisions into one line per brand and outcome', async () => {
    const handle = authorizer(async () => decision());
    const lines = await emfOf(async () => {
      for (let i = 0; i < 100; i += 1) await handle(event('brand-a'));
    });
    expect(brandLines(lines).map((line) => line.values)).toEqual([{ service: 'ciam-gateway', brand: 'brand-a', outcome: 'allow', Decisions: 100 }]);
  });
});

describe('unknown-kid refetches', () => {
  it('are told to the cache owner by reason, which the authorizer counts gateway-wide', async () => {
    const key = await makeKey('k1');
    const reasons: string[] = [];
    const cache = new JwksCache({ fetchJwks: fakeJwksSource({ keys: [key.jwk] }).fetchJwks, now: fakeClock().now, onFetch: (reason) => reasons.push(reason) });
    await cache.getKey('https://login.example/jwks', 'k1', 'RS256');
    await cache.getKey('https://login.example/jwks', 'stranger', 'RS256').catch(() => undefined);
    await cache.getKey('https://login.example/jwks', 'stranger-2', 'RS256').catch(() => undefined); // within the cooldown: no fetch
    expect(reasons).toEqual(['missing-or-stale', 'unknown-kid']);
  });
});

describe('per-brand customer route metrics, from the EMF output', () => {
  /** The routes over their in-memory fakes, with the real reports and a clock that moves 25 ms at each reading. */
  function route() {
    const fakes = customerRoute();
    let at = fakes.clock.now();
    const deps = { ...fakes.deps, observability: undefined, now: () => (at += 25) };
    return { ...fakes, deps };
  }
  const link = () => customerEvent({ method: 'POST', resource: '/v1/customers/link' });

  it('counts a first link as created and the next as existing, with the userinfo call timed', async () => {
    const { deps } = route();
    const handle = createLinkCustomerHandler(deps);
    const lines = await emfOf(async () => {
      expect((await handle(link())).statusCode).toBe(200);
      expect((await handle(link())).statusCode).toBe(200);
    });
    expect(brandLines(lines).map((line) => line.values)).toEqual([
      { service: 'ciam-gateway', brand: 'brand-a', UserinfoLatency: [25, 25] },
      { service: 'ciam-gateway', brand: 'brand-a', outcome: 'link_created', CustomerWrites: 1 },
      { service: 'ciam-gateway', brand: 'brand-a', outcome: 'link_existing', CustomerWrites: 1 },
    ]);
  });

  it('counts a userinfo failure as a userinfo error and a failed write, published at once', async () => {
    const { deps, state } = route();
    state.userinfo = new UpstreamError('USERINFO_UNAVAILABLE', 'down');
    const lines = await emfOf(async () => expect((await createLinkCustomerHandler(deps)(link())).statusCode).toBe(502));
    expect(brandLines(lines).map((line) => line.values)).toEqual([
      { service: 'ciam-gateway', brand: 'brand-a', UserinfoErrors: 1 },
      { service: 'ciam-gateway', brand: 'brand-a', UserinfoLatency: 25 },
      { service: 'ciam-gateway', brand: 'brand-a', outcome: 'failed', CustomerWrites: 1 },
    ]);
  });

  it('counts a refused registration as refused and a stored one as registered', async () => {
    const { deps } = route();
    const handle = createRegisterCustomerHandler(deps);
    const register = (body: unknown) => customerEvent({ method: 'POST', resource: '/v1/customers/register', body: JSON.stringify(body) });
    const lines = await emfOf(async () => {
      expect((await handle(register({ city: 'x'.repeat(10_000) }))).statusCode).toBe(400);
      expect((await createLinkCustomerHandler(deps)(link())).statusCode).toBe(200);
      expect((await handle(register({ city: 'Leeds' }))).statusCode).toBe(200);
    });
    expect(brandLines(lines).filter((line) => 'CustomerWrites' in line.values).map((line) => [line.values.outcome, line.values.CustomerWrites])).toEqual([
      ['refused', 1],
      ['link_created', 1],
      ['registered', 1],
    ]);
  });
});

describe("per-brand introspection and userinfo metrics of the authorizer's opaque tokens, from the EMF output", () => {
  const INTROSPECTION = { endpoint: 'https://login.brand-a.example/introspect', clientId: 'gateway', clientSecretRef: 'ciam-gateway/prod/brands/brand-a/introspection', authMethod: 'client_secret_basic' as const };
  const introspected = brand({ tokenFormat: 'opaque', opaqueValidation: 'introspection', introspection: INTROSPECTION, introspectionCacheTtlSeconds: 60, requiredScopes: [] });
  const viaUserinfo = brand({ brandId: 'brand-b', tokenFormat: 'opaque', opaqueValidation: 'userinfo', introspectionCacheTtlSeconds: 60, requiredScopes: [] });
  const active = { active: true, sub: 'user-1', client_id: 'client-a', iss: ISSUER, exp: NOW + 300, iat: NOW - 10 };

  /** The validator over endpoints that answer `answers` in turn, on a clock that moves 40 ms at each reading. */
  function validator(answers: { introspection?: () => Promise<unknown>; userinfo?: () => Promise<Record<string, unknown>> }) {
    let at = NOW * 1000;
    return createOpaqueTokenValidation({
      introspection: { introspect: answers.introspection ?? (async () => active) },
      userinfo: { fetchUserinfo: (answers.userinfo ?? (async () => ({ sub: 'user-1' }))) as never },
      now: () => (at += 40),
    });
  }

  it('times each introspection call under its brand, and none for an answer it kept', async () => {
    const validate = validator({});
    const lines = await emfOf(async () => {
      await validate('opaque-token-1', introspected);
      await validate('opaque-token-1', introspected); // cached: no call, nothing timed
      await validate('opaque-token-2', introspected);
    });
    expect(brandLines(lines)).toEqual([{ dimensions: ['service', 'brand'], values: { service: 'ciam-gateway', brand: 'brand-a', IntrospectionLatency: [40, 40] } }]);
  });

  it('counts an endpoint that fails as an introspection error, published at once, but not a token it calls inactive', async () => {
    const down = validator({ introspection: async () => Promise.reject(new UpstreamError('INTROSPECTION_UNAVAILABLE', 'answered 500')) });
    const failed = await emfOf(() => expect(down('opaque-token-1', introspected)).rejects.toThrow(UpstreamError));
    expect(brandLines(failed).map((line) => line.values)).toEqual([
      { service: 'ciam-gateway', brand: 'brand-a', IntrospectionErrors: 1 },
      { service: 'ciam-gateway', brand: 'brand-a', IntrospectionLatency: 40 },
    ]);

    const inactive = validator({ introspection: async () => ({ active: false }) });
    const refused = await emfOf(() => expect(inactive('opaque-token-1', introspected)).rejects.toThrow(TokenError));
    expect(brandLines(refused).map((line) => line.values)).toEqual([{ service: 'ciam-gateway', brand: 'brand-a', IntrospectionLatency: 40 }]);
  });

  it('times a userinfo validation and counts its failure under UserinfoLatency and UserinfoErrors, not a token the endpoint refused', async () => {
    const lines = await emfOf(async () => {
      await validator({})('opaque-token-1', viaUserinfo);
      await expect(validator({ userinfo: async () => Promise.reject(new UpstreamError('USERINFO_UNAVAILABLE', 'timeout')) })('opaque-token-2', viaUserinfo)).rejects.toThrow(UpstreamError);
      await expect(validator({ userinfo: async () => Promise.reject(new TokenError('USERINFO_TOKEN_REJECTED', '401')) })('opaque-token-3', viaUserinfo)).rejects.toThrow(TokenError);
    });
    // The failure is published at once, with the first call's latency; the other two calls' after.
    expect(brandLines(lines).map((line) => line.values)).toEqual([
      { service: 'ciam-gateway', brand: 'brand-b', UserinfoLatency: 40, UserinfoErrors: 1 },
      { service: 'ciam-gateway', brand: 'brand-b', UserinfoLatency: [40, 40] },
    ]);
  });
});
