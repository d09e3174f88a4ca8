/**
 * The customer routes' real dependencies wiring (`createCallerResolver`) over in-memory collaborators: a brand
 * lookup, a userinfo endpoint the test sets, the real token verifier over in-memory keys, the in-memory customer
 * store and a clock the test moves.
 */
import type { KeyObject } from 'node:crypto';
import type { CustomerRouteDependencies } from '../../../lambdas/adapters/customer-runtime';
import { createCallerResolver } from '../../../lambdas/adapters/customer-runtime';
import type { UserinfoClient } from '../../../lambdas/adapters/userinfo-client';
import type { JsonObject } from '../../../lambdas/core/decode-unverified-jwt';
import { createTokenVerifier } from '../../../lambdas/core/verify-token';
import { FakeStore } from '../customer-fakes';
import { FakeRevocationStore } from '../revocation-fakes';
import { brand, fakeClock, fakeResolver, ISSUER, NOW } from '../fixtures';
import { proxyEvent, recordingObservability, unverifiedToken } from '../../support/handler-fakes';

export const CUID = 'cuid-1';

/** What the CIAM's userinfo endpoint says about the caller: verified email and mobile. */
export function userinfoClaims(overrides: JsonObject = {}): JsonObject {
  return {
    sub: CUID, given_name: 'Jane', family_name: 'Doe',
    email: 'jane@example.com', email_verified: true, phone_number: '+447400123456', phone_number_verified: true,
    ...overrides,
  };
}

export interface CustomerRouteOptions {
  /** Over the fixtures' brand (profile source userinfo). */
  readonly brand?: Record<string, unknown>;
  /** The brand's published keys, by kid, that ID tokens are verified with. @default none */
  readonly keys?: Readonly<Record<string, KeyObject>>;
}

export function customerRoute(options: CustomerRouteOptions = {}) {
  const clock = fakeClock();
  const store = new FakeStore();
  const observability = recordingObservability();
  const state = { userinfo: userinfoClaims() as JsonObject | Error, userinfoCalls: 0 };
  const userinfo: UserinfoClient = {
    fetchUserinfo: async () => {
      state.userinfoCalls += 1;
      if (state.userinfo instanceof Error) throw state.userinfo;
      return state.userinfo;
    },
  };
  const theBrand = brand(options.brand);
  const verifyToken = createTokenVerifier({ resolveKey: fakeResolver(options.keys ?? {}).resolveKey, now: clock.now });
  const revocations = new FakeRevocationStore();
  const deps: CustomerRouteDependencies = {
    store,
    revocations,
    callerOf: createCallerResolver({ findBrand: async (id) => (id === theBrand.brandId ? theBrand : undefined), userinfo, verifyToken, revocations, now: clock.now }),
    now: clock.now,
    observability,
  };
  return { deps, store, revocations, clock, observability, state };
}

/** When the fixtures' tokens were issued: a minute before NOW. */
export const TOKEN_IAT = NOW - 60;

/**
 * A request the CIAM authorizer allowed for `sub`, its decision valid for five minutes from the fixtures' NOW, its
 * token issued at TOKEN_IAT (with a `sid`, when given).
 */
export function customerEvent(input: {
  method: string;
  resource: string;
  body?: unknown;
  sub?: string;
  tokenSub?: string;
  principalType?: string;
  /** The scopes the authorizer found in the access token. @default 'openid' */
  scopes?: string;
  sid?: string;
  headers?: Record<string, string>;
}) {
  const sub = input.sub ?? CUID;
  return proxyEvent({
    method: input.method,
    resource: input.resource,
    body: input.body,
    headers: {
      Authorization: `Bearer ${unverifiedToken({ sub: input.tokenSub ?? sub, iss: ISSUER, iat: TOKEN_IAT, ...(input.sid === undefined ? {} : { sid: input.sid }) })}`,
      'X-Brand-Id': 'brand-a',
      ...input.headers,
    },
    authorizer: {
      principalId: `brand-a|${sub}`, brandId: 'brand-a', sub, principalType: input.principalType ?? 'customer', scopes: input.scopes ?? 'openid', validUntil: String(NOW + 300),
    },
  });
}
