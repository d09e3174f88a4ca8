import { createCustomerRuntime } from '../adapters/customer-runtime';
import { json, withErrorResponses } from '../adapters/http-response';
import { readCustomerEnvironment } from '../adapters/runtime-environment';
import { changeIdentifier } from '../core/customer-linking';
import { identifierChangeSchema, parseBody } from '../core/request-bodies';

const { store, callerOf } = createCustomerRuntime(readCustomerEnvironment(process.env));

/**
 * `PUT /v1/customers/identifiers` `{ "type": "email" | "mobile" }`: step two of an identifier change, after the
 * user changed it at the CIAM. The new value is read back from userinfo and must be verified there.
 */
export const handler = withErrorResponses(async (event) => {
  const caller = await callerOf(event);
  const { type } = parseBody(identifierChangeSchema, event.body, event.isBase64Encoded);
  const profile = await caller.loadProfile();
  return json(200, await changeIdentifier(store, { brandId: caller.brand.brandId, cuid: caller.cuid, type, profile, requestId: caller.requestId, now: Date.now() }));
});
