import { loadProfileMeasured } from '../adapters/customer-metrics';
import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { headerValue } from '../adapters/http-headers';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { findLinkedCustomer } from '../core/linked-customer';

/**
 * `GET /v1/me`: the caller's mapped CIAM profile and the customer linked to it, or `customer: null`. A brand whose
 * profile source is the ID token takes it in `X-Id-Token` (a GET has no body).
 */
export function createMeHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    const [profile, customer] = await Promise.all([loadProfileMeasured(caller, headerValue(event.headers, 'x-id-token'), deps), findLinkedCustomer(deps.store, caller.brand.brandId, caller.cuid)]);
    return json(200, {
      profile,
      customer: customer ? { customerId: customer.customerId, profile: customer.profile, sourceProfiles: customer.sourceProfiles } : null,
    });
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createMeHandler(customerRouteDependencies(env)));
