import { countCustomerWrite, loadProfileMeasured } from '../adapters/customer-metrics';
import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { linkCustomer } from '../core/login-linking';
import { linkSchema, parseBodyWithIdToken } from '../core/request-bodies';

/** `POST /v1/customers/link`, no body or `{ "idToken": … }`: after a login or a profile update at the CIAM. Idempotent. */
export function createLinkCustomerHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    return countCustomerWrite(caller, deps, async () => {
      const { idToken } = event.body ? parseBodyWithIdToken(linkSchema, event.body, event.isBase64Encoded) : { idToken: undefined };
      const profile = await loadProfileMeasured(caller, idToken, deps);
      const linked = await linkCustomer(deps.store, { brandId: caller.brand.brandId, profile, requestId: caller.requestId, now: deps.now() });
      return { result: json(200, linked), outcome: linked.created ? 'link_created' : 'link_existing' };
    });
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createLinkCustomerHandler(customerRouteDependencies(env)));
