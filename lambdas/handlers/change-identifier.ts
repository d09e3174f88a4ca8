import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { changeIdentifier } from '../core/identifier-change';
import { identifierChangeSchema, parseBodyWithIdToken } from '../core/request-bodies';

/**
 * `PUT /v1/customers/identifiers` `{ "type": "email" | "mobile", "idToken"?: … }`: step two of an identifier change,
 * after the user changed it at the CIAM. The new value is read back from the brand's profile source (userinfo, or an
 * ID token issued after the change) and must be verified there.
 */
export function createChangeIdentifierHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    const { idToken, fields: { type } } = parseBodyWithIdToken(identifierChangeSchema, event.body, event.isBase64Encoded);
    const profile = await caller.loadProfile(idToken);
    return json(200, await changeIdentifier(deps.store, { brandId: caller.brand.brandId, cuid: caller.cuid, type, profile, requestId: caller.requestId, now: deps.now() }));
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createChangeIdentifierHandler(customerRouteDependencies(env)));
