import type { FunctionKind } from '../lambdas/adapters/function-environment';
import type { RouteHandlerName } from '../lambdas/core/routes';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE, type TableDefinition } from './table-definitions';

/**
 * The DynamoDB actions a route handler can be granted: single items by key, Scan for the one listing that needs it
 * (the admin API's brand list, on the brand table only), and on the revocation table UpdateItem (a subject's watermark
 * only moves forward, which a conditional update expresses) and BatchGetItem (a token's subject and session in one
 * read). No Query, and nothing else: each would widen what a compromised function could read or overwrite.
 */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:BatchGetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:DeleteItem' | 'dynamodb:Scan';

export interface TableGrant {
  readonly table: TableDefinition;
  /** Granted on the table's ARN only, never on its indexes (`<table arn>/index/*`). */
  readonly actions: readonly TableAction[];
}

/**
 * Which kind of function of the environment contract (lambdas/adapters/function-environment.ts) the handler is, and so
 * which settings its function gets. Every route handler is one; the authorizer and the cache-flush function (an SQS
 * consumer) are not route handlers.
 */
export type RouteHandlerKind = Exclude<FunctionKind, 'authorizer' | 'cache-flush'>;

export interface RouteHandlerAccess {
  readonly kind: RouteHandlerKind;
  /** Everything the function may do on DynamoDB: exactly these actions on exactly these tables. */
  readonly grants: readonly TableGrant[];
}

const BASIC: RouteHandlerAccess = { kind: 'basic', grants: [] };

const REVOCATION_READER: TableGrant = { table: REVOCATIONS_TABLE, actions: ['dynamodb:BatchGetItem'] };

/** Customer handlers that write: they change a customer and its claims and audit it, all in one transaction. */
const CUSTOMER_WRITER: RouteHandlerAccess = {
  kind: 'customer',
  grants: [
    { table: BRAND_CONFIG_TABLE, actions: ['dynamodb:GetItem'] },
    // TransactWriteItems of Put and Delete items: IAM authorises each item by its own action (and the transaction
    // needs no permission of its own). Customers are replaced whole under a version condition, never updated.
    { table: CUSTOMERS_TABLE, actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    // Audit records are only ever added (in the same transaction); reading them is not the handlers' business.
    { table: AUDIT_TABLE, actions: ['dynamodb:PutItem'] },
    // Refuses a revoked token that a cached decision let through: one batched read of its subject and session.
    REVOCATION_READER,
  ],
};

/**
 * The logout routes (`POST /v1/logout`, the back-channel receiver): read the brand, revoke a subject or session in a
 * transaction with its audit record, and (back-channel) record a logout token's `jti` with a conditional Put.
 */
const REVOKER: RouteHandlerAccess = {
  kind: 'customer',
  grants: [
    { table: BRAND_CONFIG_TABLE, actions: ['dynamodb:GetItem'] },
    { table: REVOCATIONS_TABLE, actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'] },
    { table: AUDIT_TABLE, actions: ['dynamodb:PutItem'] },
  ],
};

/**
 * The brand admin API (`BrandAdminStore`): reads a brand by key, lists them all, and creates, replaces or disables one
 * in a transaction of two Puts, the brand under a version condition and its audit record. Never DeleteItem: a
 * "deleted" brand is disabled and kept. It also revokes a subject or session (an update with its audit record) and
 * reads one revocation by key.
 */
const BRAND_ADMIN: RouteHandlerAccess = {
  kind: 'admin',
  grants: [
    // Scan is for GET /v1/admin/brands alone, and acceptable here: the brand table holds one small item per brand
    // (tens, not millions; the store stops at 1000), only IAM-authorised operators reach the route, and the table has
    // no other key to list by. Every brand is exactly what this function may read anyway, by GetItem.
    // UpdateItem records a brand's API key beside its config (BrandAdminStore.setUsageKey), never the config itself.
    { table: BRAND_CONFIG_TABLE, actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'] },
    // Audit records of brand changes are only ever added, in the same transaction as the brand.
    { table: AUDIT_TABLE, actions: ['dynamodb:PutItem'] },
    { table: REVOCATIONS_TABLE, actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
  ],
};

/**
 * What each route handler's function may touch, by handler. A `Record` over every `RouteHandlerName`, so a handler
 * added to ROUTES does not compile until someone decides its access here.
 */
export const ROUTE_HANDLER_ACCESS: Readonly<Record<RouteHandlerName, RouteHandlerAccess>> = {
  health: BASIC,
  whoami: BASIC,
  me: {
    kind: 'customer',
    grants: [
      { table: BRAND_CONFIG_TABLE, actions: ['dynamodb:GetItem'] },
      { table: CUSTOMERS_TABLE, actions: ['dynamodb:GetItem'] },
      REVOCATION_READER,
    ],
  },
  'link-customer': CUSTOMER_WRITER,
  'register-customer': CUSTOMER_WRITER,
  'change-identifier': CUSTOMER_WRITER,
  'admin-brands': BRAND_ADMIN,
  logout: REVOKER,
  'backchannel-logout': REVOKER,
};
