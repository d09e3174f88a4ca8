import type { Customer } from './customer';
import type { CustomerStore } from './customer-store-port';
import { ConflictError, InternalError } from './errors';

/** Reading a customer through its claims: the one way every flow finds the customer of a CIAM user. */

/** The customer linked to the CIAM user `cuid`, if any. */
export async function findLinkedCustomer(store: CustomerStore, brandId: string, cuid: string): Promise<Customer | undefined> {
  const customerId = await store.holderOf(brandId, 'cuid', cuid);
  return customerId === undefined ? undefined : loadCustomer(store, brandId, customerId);
}

/** The customer linked to `cuid`, for flows that act on it: none is the caller's conflict (link first). */
export async function requireLinkedCustomer(store: CustomerStore, brandId: string, cuid: string): Promise<Customer> {
  const customer = await findLinkedCustomer(store, brandId, cuid);
  if (!customer) throw new ConflictError('CUSTOMER_NOT_LINKED', 'no customer is linked to this CIAM user yet');
  return customer;
}

/** The customer a claim points at. */
export async function loadCustomer(store: CustomerStore, brandId: string, customerId: string): Promise<Customer> {
  const customer = await store.getCustomer(brandId, customerId);
  // Claims are written with their customer and customers are never deleted: this is corrupt data.
  if (!customer) throw new InternalError(`a claim points at customer ${customerId}, which does not exist`);
  return customer;
}
