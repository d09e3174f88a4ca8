import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { changeIdentifier } from '../core/identifier-change';
import { identifierChangeSchema, parseBody } from '../core/request-bodies';

/**
 * `PUT /v1/customers/identifiers` `{ "type": "email" | "mobile" }`: step two of an identifier change, after the
 * user changed it at the CIAM. The new value is read back from userinfo and must be verified there.
 */
export function createChangeIdentifierHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    const { type } = parseBody(identifierChangeSchema, event.body, event.isBase64Encoded);
    const profile = await caller.loadProfile();
    return json(200, await changeIdentifier(deps.store, { brandId: caller.brand.brandId, cuid: caller.cuid, type, profile, requestId: caller.requestId, now: deps.now() }));
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createChangeIdentifierHandler(customerRouteDependencies(env)));
