import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { mergeRegistration } from '../core/registration-merge';
import { parseBody, registrationSchema } from '../core/request-bodies';

/** `POST /v1/customers/register`: extra fields the CIAM cannot capture, as the `INSTORE` source profile. */
export function createRegisterCustomerHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    const fields = parseBody(registrationSchema, event.body, event.isBase64Encoded);
    return json(200, await mergeRegistration(deps.store, { brandId: caller.brand.brandId, cuid: caller.cuid, fields, requestId: caller.requestId, now: deps.now() }));
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createRegisterCustomerHandler(customerRouteDependencies(env)));
