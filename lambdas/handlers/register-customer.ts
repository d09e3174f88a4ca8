import { countCustomerWrite } from '../adapters/customer-metrics';
import { customerRouteDependencies, type CustomerRouteDependencies } from '../adapters/customer-runtime';
import { json, type ProxyHandler } from '../adapters/proxy-response';
import { proxyHandlerFromEnvironment, withErrorResponses } from '../adapters/with-error-responses';
import { registrationFieldsOf } from '../core/registration-fields';
import { mergeRegistration } from '../core/registration-merge';
import { checkRegistrationValues } from '../core/registration-values';
import { parseRegisterBody } from '../core/request-bodies';

/**
 * `POST /v1/customers/register`: extra fields the CIAM cannot capture, checked against the brand's declaration and
 * kept as the `INSTORE` source profile. A brand whose profile source is the ID token needs it beside them
 * (`idToken`), as proof of the sign-in; it is not stored.
 */
export function createRegisterCustomerHandler(deps: CustomerRouteDependencies): ProxyHandler {
  return withErrorResponses(async (event) => {
    const caller = await deps.callerOf(event);
    return countCustomerWrite(caller, deps, async () => {
      const { idToken, fields: body } = parseRegisterBody(event.body, event.isBase64Encoded);
      await caller.verifyIdToken(idToken);
      const declaration = registrationFieldsOf(caller.brand);
      const fields = checkRegistrationValues(declaration, body);
      const merged = await mergeRegistration(deps.store, { brandId: caller.brand.brandId, cuid: caller.cuid, declaration, fields, requestId: caller.requestId, now: deps.now() });
      return { result: json(200, merged), outcome: 'registered' };
    });
  }, deps.observability);
}

export const handler = proxyHandlerFromEnvironment('customer', (env) => createRegisterCustomerHandler(customerRouteDependencies(env)));
