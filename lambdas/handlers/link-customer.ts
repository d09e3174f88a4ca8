import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { linkCustomer } from '../core/login-linking';
import { linkSchema, parseBodyWithIdToken } from '../core/request-bodies';

/** `POST /v1/customers/link`, no body or `{ "idToken": … }`: after a login or a profile update at the CIAM. Idempotent. */
export function createLinkCustomerHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    const { idToken } = event.body ? parseBodyWithIdToken(linkSchema, event.body, event.isBase64Encoded) : { idToken: undefined };
    const profile = await caller.loadProfile(idToken);
    return json(200, await linkCustomer(deps.store, { brandId: caller.brand.brandId, profile, requestId: caller.requestId, now: deps.now() }));
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createLinkCustomerHandler(customerRouteDependencies(env)));
