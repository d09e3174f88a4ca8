import { createCustomerRuntime } from '../adapters/customer-runtime';
import { json, withErrorResponses } from '../adapters/http-response';
import { readCustomerEnvironment } from '../adapters/runtime-environment';

const { store, callerOf } = createCustomerRuntime(readCustomerEnvironment(process.env));

/** `GET /v1/me`: the caller's mapped CIAM profile and the customer linked to it, or `customer: null`. */
export const handler = withErrorResponses(async (event) => {
  const caller = await callerOf(event);
  const [profile, customerId] = await Promise.all([caller.loadProfile(), store.holderOf(caller.brand.brandId, 'cuid', caller.cuid)]);
  const customer = customerId === undefined ? undefined : await store.getCustomer(caller.brand.brandId, customerId);
  return json(200, {
    profile,
    customer: customer ? { customerId: customer.customerId, profile: customer.profile, sourceProfiles: customer.sourceProfiles } : null,
  });
});
