import { TransactionCanceledException, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { REGISTRATION_FIELD_GROUPS, type Claim, type ClaimType, type Customer, type RegistrationValue } from '../core/customer';
import type { AuditRecord } from '../core/customer-audit';
import type { CustomerChange, CustomerStore, WriteConflict, WriteOutcome } from '../core/customer-store-port';
import type { AuditTrail } from './audit-trail';
import { translateError } from './library-errors';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const CLAIM_PREFIX: Record<ClaimType, string> = { cuid: 'CUID', email: 'EMAIL', mobile: 'MOBILE' };

/**
 * Customers and their uniqueness claims in the customers table (single `pk`), each change one transaction
 * together with its audit records: nothing is ever half-written, and no change goes unaudited.
 *
 * Counts the capacity DynamoDB reports, so that a benchmark can show what a login costs.
 */
export class DynamoCustomerStore implements CustomerStore {
  private readUnits = 0;
  private writeUnits = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly auditTrail: AuditTrail,
  ) {}

  /** Capacity units consumed by this store so far (both tables); a cancelled transaction is not counted. */
  get consumedCapacity(): { readonly readUnits: number; readonly writeUnits: number } {
    return { readUnits: this.readUnits, writeUnits: this.writeUnits };
  }

  async holderOf(brandId: string, type: ClaimType, value: string): Promise<string | undefined> {
    const item = await this.get(claimKey(brandId, { type, value }));
    return item?.customerId as string | undefined;
  }

  async getCustomer(brandId: string, customerId: string): Promise<Customer | undefined> {
    const item = await this.get(customerKey(brandId, customerId));
    return item ? toCustomer(item) : undefined;
  }

  async record(record: AuditRecord): Promise<void> {
    try {
      const output = await this.client.send(new PutCommand({ TableName: this.auditTrail.tableName, Item: this.auditTrail.toItem(record), ReturnConsumedCapacity: 'TOTAL' }));
      this.writeUnits += units(output.ConsumedCapacity);
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
  }

  async write(change: CustomerChange): Promise<WriteOutcome> {
    const { customer } = change;
    // Each item with the conflict its condition failing would mean, in transaction order.
    const items: { readonly item: TransactItem; readonly conflict?: WriteConflict }[] = [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: { pk: customerKey(customer.brandId, customer.customerId), ...customer },
            ...(change.expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': change.expectedVersion } }),
          },
        },
        conflict: { on: 'customer' },
      },
      ...change.claim.map((claim) => ({
        item: { Put: { TableName: this.tableName, Item: { pk: claimKey(customer.brandId, claim), customerId: customer.customerId }, ConditionExpression: 'attribute_not_exists(pk)' } },
        conflict: { on: 'claim', claim } as const,
      })),
      ...change.release.map((claim) => ({
        item: {
          Delete: {
            TableName: this.tableName,
            Key: { pk: claimKey(customer.brandId, claim) },
            ConditionExpression: 'customerId = :customerId',
            ExpressionAttributeValues: { ':customerId': customer.customerId },
          },
        },
        conflict: { on: 'release', claim } as const,
      })),
      ...change.audit.map((record) => ({ item: { Put: { TableName: this.auditTrail.tableName, Item: this.auditTrail.toItem(record) } } })),
    ];
    try {
      const output = await this.client.send(new TransactWriteCommand({ TransactItems: items.map((i) => i.item), ReturnConsumedCapacity: 'TOTAL' }));
      this.writeUnits += units(output.ConsumedCapacity);
      return { ok: true };
    } catch (err) {
      const conflicts = err instanceof TransactionCanceledException ? conflictsOf(err, items.map((i) => i.conflict)) : undefined;
      if (conflicts) return { ok: false, conflicts };
      throw translateError(err, 'dynamodb');
    }
  }

  private async get(pk: string): Promise<Record<string, unknown> | undefined> {
    try {
      const output = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
      this.readUnits += units(output.ConsumedCapacity);
      return output.Item;
    } catch (err) {
      throw translateError(err, 'dynamodb');
    }
  }
}

/**
 * The conflicts a cancelled transaction reports, or `undefined` when it was cancelled for anything else
 * (throttling, validation, capacity): that is a store failure, not a lost race.
 */
function conflictsOf(err: TransactionCanceledException, expected: readonly (WriteConflict | undefined)[]): WriteConflict[] | undefined {
  const conflicts: WriteConflict[] = [];
  for (const [index, reason] of (err.CancellationReasons ?? []).entries()) {
    const conflict = expected[index];
    if (reason.Code === 'ConditionalCheckFailed' && conflict) conflicts.push(conflict);
    else if (reason.Code === 'TransactionConflict') conflicts.push({ on: 'transaction' });
    else if (reason.Code !== 'None' && reason.Code !== undefined) return undefined;
  }
  return conflicts.length > 0 ? conflicts : undefined;
}

function units(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  return [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

function customerKey(brandId: string, customerId: string): string {
  return `CUSTOMER#${brandId}#${customerId}`;
}

function claimKey(brandId: string, claim: Claim): string {
  return `${CLAIM_PREFIX[claim.type]}#${brandId}#${claim.value}`;
}

/**
 * Our own items, written only by `write`: the stored attributes, without the key. Version 0.2.0 stored the
 * registration fields flat (`INSTORE: { city }`), from a closed set that are now the default extended fields: such
 * an item reads as `INSTORE: { extendedFields: { city } }`, and the customer's next registration writes it so.
 */
function toCustomer(item: Record<string, unknown>): Customer {
  const { pk: _pk, ...stored } = item;
  const customer = stored as unknown as Customer;
  const instore = customer.sourceProfiles?.INSTORE;
  const isFlat = instore !== undefined && Object.keys(instore).some((key) => !(REGISTRATION_FIELD_GROUPS as readonly string[]).includes(key));
  return isFlat ? { ...customer, sourceProfiles: { ...customer.sourceProfiles, INSTORE: { extendedFields: instore as Record<string, RegistrationValue> } } } : customer;
}
