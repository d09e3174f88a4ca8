import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Template } from 'aws-cdk-lib/assertions';
import { ROUTES, type RouteHandlerName } from '../../lambdas/core/routes';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE, TABLES } from '../../lib/table-definitions';
import {
  apiMethod,
  concernsDynamoDb,
  dynamoDbPermissions,
  gatewayStack,
  logicalIdOfConstruct,
  permissions,
  roleStatements,
  type PolicyStatement,
  routeFunctionLogicalId,
  tableLogicalId,
} from './infra-test-support';

const stack = gatewayStack('dev');
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
const tableIds = new Map(TABLES.map((definition) => [tableLogicalId(stack, definition), definition.id]));
const functionId = (handler: RouteHandlerName): string => routeFunctionLogicalId(stack, handler);
const functionProperties = (handler: RouteHandlerName): Record<string, unknown> => resources[functionId(handler)]?.Properties ?? {};

/** The queue of follow-up authorizer-cache flushes, which the admin function sends to. */
function followUpQueue() {
  const flush = stack.gatewayApi.delayedCacheFlush;
  if (!flush) throw new Error('the stack has no follow-up flush queue');
  return flush.queue;
}

const BRAND = BRAND_CONFIG_TABLE.id;
const CUSTOMERS = CUSTOMERS_TABLE.id;
const AUDIT = AUDIT_TABLE.id;
const REVOCATIONS = REVOCATIONS_TABLE.id;

/** The writers: a transaction of Put and Delete items on customers (IAM checks each item's action), audit Puts. */
const CUSTOMER_WRITER = [
  `Allow dynamodb:GetItem on ${BRAND}`,
  `Allow dynamodb:GetItem on ${CUSTOMERS}`,
  `Allow dynamodb:PutItem on ${CUSTOMERS}`,
  `Allow dynamodb:DeleteItem on ${CUSTOMERS}`,
  `Allow dynamodb:PutItem on ${AUDIT}`,
  `Allow dynamodb:BatchGetItem on ${REVOCATIONS}`,
];

/** The logout routes: a revocation is an update of its record in a transaction with its audit Put; a used jti a Put. */
const REVOKER = [
  `Allow dynamodb:GetItem on ${BRAND}`,
  `Allow dynamodb:UpdateItem on ${REVOCATIONS}`,
  `Allow dynamodb:PutItem on ${REVOCATIONS}`,
  `Allow dynamodb:PutItem on ${AUDIT}`,
];

/** The grants table, written out rather than derived from ROUTE_HANDLER_ACCESS, so a change there must change this too. */
const EXPECTED_DYNAMODB_PERMISSIONS: Readonly<Record<RouteHandlerName, readonly string[]>> = {
  health: [],
  whoami: [],
  me: [`Allow dynamodb:GetItem on ${BRAND}`, `Allow dynamodb:GetItem on ${CUSTOMERS}`, `Allow dynamodb:BatchGetItem on ${REVOCATIONS}`],
  logout: REVOKER,
  'backchannel-logout': REVOKER,
  'link-customer': CUSTOMER_WRITER,
  'register-customer': CUSTOMER_WRITER,
  'change-identifier': CUSTOMER_WRITER,
  // The brand admin API: reads, lists (Scan) and writes brands (a Put under a version condition, with its audit Put).
  'admin-brands': [
    `Allow dynamodb:GetItem on ${BRAND}`,
    `Allow dynamodb:PutItem on ${BRAND}`,
    `Allow dynamodb:UpdateItem on ${BRAND}`,
    `Allow dynamodb:Scan on ${BRAND}`,
    `Allow dynamodb:PutItem on ${AUDIT}`,
    `Allow dynamodb:GetItem on ${REVOCATIONS}`,
    `Allow dynamodb:UpdateItem on ${REVOCATIONS}`,
  ],
};

const ROUTE_HANDLERS = [...new Set(ROUTES.map((route) => route.handler))];
const CUSTOMER_HANDLERS: RouteHandlerName[] = ['me', 'link-customer', 'register-customer', 'change-identifier', 'logout', 'backchannel-logout'];
const BASIC_HANDLERS: RouteHandlerName[] = ['health', 'whoami'];
const ADMIN_HANDLER: RouteHandlerName = 'admin-brands';
const TABLE_HANDLERS: RouteHandlerName[] = [...CUSTOMER_HANDLERS, ADMIN_HANDLER];

describe('route handlers', () => {
  test('the expectations below cover every handler of ROUTES', () => {
    expect([...ROUTE_HANDLERS].sort()).toEqual([...CUSTOMER_HANDLERS, ...BASIC_HANDLERS, ADMIN_HANDLER].sort());
  });

  test.each(ROUTES.map((route) => [route.method, route.path, route.handler]))('%s %s invokes the %s function', (method, path, handler) => {
    const integration = apiMethod(template, method, path).Integration as { Uri: unknown };
    expect(JSON.stringify(integration.Uri)).toContain(JSON.stringify({ 'Fn::GetAtt': [functionId(handler), 'Arn'] }));
  });
});

describe('DynamoDB permissions', () => {
  test.each(TABLE_HANDLERS)('%s may do exactly its listed actions on exactly its tables', (handler) => {
    const permissions = dynamoDbPermissions(roleStatements(template, functionId(handler)), tableIds);
    expect([...new Set(permissions)].sort()).toEqual([...EXPECTED_DYNAMODB_PERMISSIONS[handler]].sort());
  });

  test.each(BASIC_HANDLERS)('%s has no DynamoDB statement at all', (handler) => {
    expect(roleStatements(template, functionId(handler)).filter(concernsDynamoDb)).toEqual([]);
  });

  test.each(ROUTE_HANDLERS)('%s has no managed policy', (handler) => {
    const roleId = (functionProperties(handler).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('no role in the stack may Query or batch-write: only GetItem, BatchGetItem, PutItem, UpdateItem (revocations), DeleteItem and Scan', () => {
    const actions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.startsWith('dynamodb:') || action === '*');
    expect([...new Set(actions)].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:UpdateItem']);
  });

  test('only the revocation writers may UpdateItem, and only the revocation table; the admin API also the brand table (a brand\'s API key)', () => {
    const updates = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      dynamoDbPermissions((policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement, tableIds).filter((permission) => permission.includes(' dynamodb:UpdateItem ')),
    );
    expect(new Set(updates)).toEqual(new Set([`Allow dynamodb:UpdateItem on ${REVOCATIONS}`, `Allow dynamodb:UpdateItem on ${BRAND}`]));
  });

  test('only the admin function may Scan, and only the brand table', () => {
    const scans = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      dynamoDbPermissions((policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement, tableIds)
        .filter((permission) => permission.includes(' dynamodb:Scan '))
        .map((permission) => ({ roles: policy.Properties.Roles, permission })),
    );
    const adminRoleId = (functionProperties(ADMIN_HANDLER).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(scans).toEqual([{ roles: [{ Ref: adminRoleId }], permission: `Allow dynamodb:Scan on ${BRAND}` }]);
  });
});

describe('environment', () => {
  const POWERTOOLS = (handler: RouteHandlerName) => ({
    POWERTOOLS_SERVICE_NAME: `ciam-gateway-${handler}`,
    POWERTOOLS_METRICS_NAMESPACE: 'CiamGateway',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    NODE_OPTIONS: '--enable-source-maps',
  });

  test.each(CUSTOMER_HANDLERS)('%s gets the stage, the four table names, audit retention and brand cache TTL', (handler) => {
    expect(functionProperties(handler).Environment).toEqual({
      Variables: {
        STAGE: 'dev',
        BRAND_TABLE_NAME: { Ref: tableLogicalId(stack, BRAND_CONFIG_TABLE) },
        CUSTOMERS_TABLE_NAME: { Ref: tableLogicalId(stack, CUSTOMERS_TABLE) },
        AUDIT_TABLE_NAME: { Ref: tableLogicalId(stack, AUDIT_TABLE) },
        REVOCATIONS_TABLE_NAME: { Ref: tableLogicalId(stack, REVOCATIONS_TABLE) },
        AUDIT_RETENTION_DAYS: '30',
        BRAND_CACHE_TTL_SECONDS: '30',
        ...POWERTOOLS(handler),
      },
    });
  });

  // The stage also names the registry of API stages whose authorizer caches it flushes (/ciam-gateway/dev/apis).
  test('admin-brands gets the stage, the brand and audit table names, audit retention, brand cache TTL the follow-up flush queue and the tier plans', () => {
    expect(functionProperties(ADMIN_HANDLER).Environment).toEqual({
      Variables: {
        STAGE: 'dev',
        BRAND_TABLE_NAME: { Ref: tableLogicalId(stack, BRAND_CONFIG_TABLE) },
        AUDIT_TABLE_NAME: { Ref: tableLogicalId(stack, AUDIT_TABLE) },
        REVOCATIONS_TABLE_NAME: { Ref: tableLogicalId(stack, REVOCATIONS_TABLE) },
        AUDIT_RETENTION_DAYS: '30',
        BRAND_CACHE_TTL_SECONDS: '30',
        AUTHORIZER_CACHE_FLUSH_QUEUE_URL: { Ref: logicalIdOfConstruct(followUpQueue()) },
        USAGE_PLANS: JSON.stringify({ standard: 'ciam-gateway-dev-standard', premium: 'ciam-gateway-dev-premium' }),
        ...POWERTOOLS(ADMIN_HANDLER),
      },
    });
  });

  test.each(BASIC_HANDLERS)('%s gets the stage and Powertools settings only, no table names', (handler) => {
    expect(functionProperties(handler).Environment).toEqual({ Variables: { STAGE: 'dev', ...POWERTOOLS(handler) } });
  });
});

describe('customer functions', () => {
  // A 3 s userinfo fetch with one retry, then DynamoDB, inside API Gateway's 29 s integration timeout.
  test.each(CUSTOMER_HANDLERS)('%s has a 10 s timeout', (handler) => {
    expect(functionProperties(handler).Timeout).toBe(10);
  });

  // Outside a VPC a function reaches the brands' userinfo endpoints over HTTPS directly, with no NAT to provide.
  test.each(CUSTOMER_HANDLERS)('%s is not in a VPC, so it has outbound internet access', (handler) => {
    expect(functionProperties(handler).VpcConfig).toBeUndefined();
  });
});

describe('brand secrets', () => {
  test('only the admin function reads them among the route functions', () => {
    const readers = ROUTE_HANDLERS.filter((handler) => roleStatements(template, functionId(handler)).some((statement) => [statement.Action].flat().some((action) => String(action).startsWith('secretsmanager:'))));
    expect(readers).toEqual([ADMIN_HANDLER]);
  });
});

describe('admin function', () => {
  test('may write its own log group, trace, and do exactly its DynamoDB grants: nothing else', () => {
    const logGroupId = (functionProperties(ADMIN_HANDLER).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const names = new Map([
      ...tableIds, [logGroupId, 'its log group'], [logicalIdOfConstruct(followUpQueue()), 'FollowUpQueue'],
      ['AWS::Partition', 'aws'], ['AWS::Region', 'region'], ['AWS::AccountId', 'account'],
    ]);
    expect(permissions(roleStatements(template, functionId(ADMIN_HANDLER)), names).sort()).toEqual(
      [
        'Allow logs:CreateLogStream on its log group',
        'Allow logs:PutLogEvents on its log group',
        'Allow xray:PutTelemetryRecords on *',
        'Allow xray:PutTraceSegments on *',
        `Allow dynamodb:GetItem on ${BRAND}`,
        `Allow dynamodb:PutItem on ${BRAND}`,
        `Allow dynamodb:UpdateItem on ${BRAND}`,
        `Allow dynamodb:Scan on ${BRAND}`,
        `Allow dynamodb:PutItem on ${AUDIT}`,
        `Allow dynamodb:GetItem on ${REVOCATIONS}`,
        `Allow dynamodb:UpdateItem on ${REVOCATIONS}`,
        // Brands' API keys (lib/brand-quota-plans.ts): keys made at run time, moved between the tier plans.
        'Allow apigateway:GET on arn:${aws}:apigateway:${region}::/usageplans',
        'Allow apigateway:GET on arn:${aws}:apigateway:${region}::/apikeys',
        'Allow apigateway:POST on arn:${aws}:apigateway:${region}::/apikeys',
        'Allow apigateway:PATCH on arn:${aws}:apigateway:${region}::/apikeys/*',
        'Allow apigateway:POST on arn:${aws}:apigateway:${region}::/usageplans/${CiamAuthorizerQuotaPlansTierpremium271A97A7}/keys',
        'Allow apigateway:POST on arn:${aws}:apigateway:${region}::/usageplans/${CiamAuthorizerQuotaPlansTierstandard004DC26E}/keys',
        'Allow apigateway:DELETE on arn:${aws}:apigateway:${region}::/usageplans/${CiamAuthorizerQuotaPlansTierpremium271A97A7}/keys/*',
        'Allow apigateway:DELETE on arn:${aws}:apigateway:${region}::/usageplans/${CiamAuthorizerQuotaPlansTierstandard004DC26E}/keys/*',
        // ?flushAuthorizerCache=true: the API stages registered for the dev authorizer, read from SSM (that path only,
        // not recursive), then FlushStageAuthorizersCache on each: their ids are only known at run time.
        'Allow ssm:GetParametersByPath on arn:${aws}:ssm:${region}:${account}:parameter/ciam-gateway/dev/apis',
        'Allow apigateway:DELETE on arn:${aws}:apigateway:${region}::/restapis/*/stages/*/cache/authorizers',
        // The follow-up flush once the brand caches have run out: a delayed message, and nothing else of SQS.
        'Allow sqs:SendMessage on FollowUpQueue',
        // The onboarding check introspects with the brand's client secret: this stage's brands' secrets only.
        'Allow secretsmanager:GetSecretValue on arn:${aws}:secretsmanager:${region}:${account}:secret:ciam-gateway/dev/brands/*',
      ].sort(),
    );
  });

  // The onboarding check fetches discovery, JWKS and userinfo one after another, 3 s each at most, then DynamoDB.
  test('has a 15 s timeout', () => {
    expect(functionProperties(ADMIN_HANDLER).Timeout).toBe(15);
  });

  // Outside a VPC it reaches the brands' discovery, JWKS and userinfo endpoints over HTTPS, with no NAT to provide.
  test('is not in a VPC, so it has outbound internet access', () => {
    expect(functionProperties(ADMIN_HANDLER).VpcConfig).toBeUndefined();
  });
});
