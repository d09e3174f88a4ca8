import { createCustomerRuntime } from '../adapters/customer-runtime';
import { json, withErrorResponses } from '../adapters/http-response';
import { readCustomerEnvironment } from '../adapters/runtime-environment';
import { linkCustomer } from '../core/customer-linking';

const { store, callerOf } = createCustomerRuntime(readCustomerEnvironment(process.env));

/** `POST /v1/customers/link`: after a login or a profile update at the CIAM. Idempotent. */
export const handler = withErrorResponses(async (event) => {
  const caller = await callerOf(event);
  const profile = await caller.loadProfile();
  return json(200, await linkCustomer(store, { brandId: caller.brand.brandId, profile, requestId: caller.requestId, now: Date.now() }));
});
