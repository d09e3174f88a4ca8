import { createCustomerRuntime } from '../adapters/customer-runtime';
import { json, withErrorResponses } from '../adapters/http-response';
import { readCustomerEnvironment } from '../adapters/runtime-environment';
import { mergeRegistration } from '../core/customer-linking';
import { parseBody, registrationSchema } from '../core/request-bodies';

const { store, callerOf } = createCustomerRuntime(readCustomerEnvironment(process.env));

/** `POST /v1/customers/register`: extra fields the CIAM cannot capture, as the `INSTORE` source profile. */
export const handler = withErrorResponses(async (event) => {
  const caller = await callerOf(event);
  const fields = parseBody(registrationSchema, event.body, event.isBase64Encoded);
  return json(200, await mergeRegistration(store, { brandId: caller.brand.brandId, cuid: caller.cuid, fields, requestId: caller.requestId, now: Date.now() }));
});
