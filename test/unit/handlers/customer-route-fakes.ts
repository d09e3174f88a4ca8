/**
 * The customer routes' real dependencies wiring (`createCallerResolver`) over in-memory collaborators: a brand
 * lookup, a userinfo endpoint the test sets, the in-memory customer store and a clock the test moves.
 */
import type { CustomerRouteDependencies } from '../../../lambdas/adapters/customer-runtime';
import { createCallerResolver } from '../../../lambdas/adapters/customer-runtime';
import type { UserinfoClient } from '../../../lambdas/adapters/userinfo-client';
import type { JsonObject } from '../../../lambdas/core/decode-unverified-jwt';
import { FakeStore } from '../customer-fakes';
import { FakeRevocationStore } from '../revocation-fakes';
import { brand, fakeClock, NOW } from '../fixtures';
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

/** The customer routes over in-memory collaborators, for a brand-a config with `brandOverrides`. */
export function customerRoute(brandOverrides: Record<string, unknown> = {}) {
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
  const theBrand = brand(brandOverrides);
  const revocations = new FakeRevocationStore();
  const deps: CustomerRouteDependencies = {
    store,
    revocations,
    callerOf: createCallerResolver({ findBrand: async (id) => (id === theBrand.brandId ? theBrand : undefined), userinfo, revocations, now: clock.now }),
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
export function customerEvent(input: { method: string; resource: string; body?: unknown; sub?: string; tokenSub?: string; principalType?: string; sid?: string }) {
  const sub = input.sub ?? CUID;
  return proxyEvent({
    method: input.method,
    resource: input.resource,
    body: input.body,
    headers: { Authorization: `Bearer ${unverifiedToken({ sub: input.tokenSub ?? sub, iss: 'https://login.brand-a.example/', iat: TOKEN_IAT, ...(input.sid === undefined ? {} : { sid: input.sid }) })}`, 'X-Brand-Id': 'brand-a' },
    authorizer: { principalId: `brand-a|${sub}`, brandId: 'brand-a', sub, principalType: input.principalType ?? 'customer', scopes: 'openid', validUntil: String(NOW + 300) },
  });
}
