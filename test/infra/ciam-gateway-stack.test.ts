import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { ROUTES, type RouteDefinition } from '../../lambdas/core/routes';
import { AUDIT_TABLE, BRAND_CONFIG_TABLE, CUSTOMERS_TABLE, REVOCATIONS_TABLE, TABLES } from '../../lib/table-definitions';
import type { CiamGatewayStack } from '../../lib/ciam-gateway-stack';
import {
  apiMethod,
  gatewayStack,
  logicalIdOf,
  logicalIdOfConstruct,
  permissions,
  registrationValue,
  renderResource,
  tableLogicalId,
  type PolicyStatement,
} from './infra-test-support';

const stack = gatewayStack('dev');
const template = Template.fromStack(stack);
const tableId = tableLogicalId(stack, BRAND_CONFIG_TABLE);
const revocationsTableId = tableLogicalId(stack, REVOCATIONS_TABLE);
const authorizerFunctionId = logicalIdOf(template, 'AWS::Lambda::Function', {
  Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer' } },
});
const authorizerRoleId = (
  template.toJSON().Resources[authorizerFunctionId].Properties.Role as { 'Fn::GetAtt': [string, string] }
)['Fn::GetAtt'][0];
const authorizerId = logicalIdOf(template, 'AWS::ApiGateway::Authorizer', {});

const INVALID_TOKEN_HEADER = `'Bearer error="invalid_token"'`;

/** A method's `AuthorizationType` by the route's `auth`. */
const AUTHORIZATION_TYPE: Readonly<Record<RouteDefinition['auth'], string>> = { none: 'NONE', ciam: 'CUSTOM', admin: 'AWS_IAM' };

/** The brand admin API, written out: ROUTES must hold exactly these `auth: 'admin'` routes. */
const ADMIN_ROUTES = [
  'GET /v1/admin/brands',
  'GET /v1/admin/brands/{brandId}',
  'PUT /v1/admin/brands/{brandId}',
  'DELETE /v1/admin/brands/{brandId}',
  'POST /v1/admin/brands/{brandId}/check',
  'POST /v1/admin/brands/{brandId}/enable',
  'GET /v1/admin/brands/{brandId}/audit',
  'POST /v1/admin/brands/{brandId}/revocations',
  'GET /v1/admin/brands/{brandId}/revocations',
  'POST /v1/admin/checks',
  'POST /v1/admin/api-keys/sync',
];

/** The API and its stage, by name, for `renderResource`. */
const API_NAMES = (of: CiamGatewayStack): ReadonlyMap<string, string> =>
  new Map([
    [of.getLogicalId(of.api.node.defaultChild as CfnElement), 'Api'],
    [of.getLogicalId(of.api.deploymentStage.node.defaultChild as CfnElement), 'Stage'],
  ]);

describe.each(TABLES.map((definition) => [definition.id, definition]))('table %s', (_id, definition) => {
  const properties = (): Record<string, unknown> => template.toJSON().Resources[tableLogicalId(stack, definition)].Properties;
  const keySchema = (partitionKey: string, sortKey?: string) => [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' }]),
  ];

  test('is keyed as its definition says, every key attribute a string', () => {
    const indexes = definition.globalSecondaryIndexes ?? [];
    const keyAttributes = new Set([definition.partitionKey, definition.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
    expect(properties()).toMatchObject({
      KeySchema: keySchema(definition.partitionKey, definition.sortKey),
      AttributeDefinitions: [...keyAttributes].filter((name) => name !== undefined).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    });
  });

  test('has exactly the global secondary indexes of its definition, projecting all attributes', () => {
    const indexes = (definition.globalSecondaryIndexes ?? []).map((index) => ({
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: 'ALL' },
    }));
    expect(properties().GlobalSecondaryIndexes).toEqual(indexes.length > 0 ? indexes : undefined);
  });

  test('expires items on the TTL attribute of its definition, if it has one', () => {
    const ttl = definition.timeToLiveAttribute;
    expect(properties().TimeToLiveSpecification).toEqual(ttl === undefined ? undefined : { AttributeName: ttl, Enabled: true });
  });

  test('is billed per request', () => {
    expect(properties().BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('has point-in-time recovery', () => {
    expect(properties().Replicas).toEqual([
      expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    ]);
  });

  test('is encrypted with the AWS-managed KMS key', () => {
    // SSEType KMS without a key id in the replica is the `aws/dynamodb` key.
    expect(properties().SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(properties().Replicas).toEqual([expect.not.objectContaining({ SSESpecification: expect.anything() })]);
  });

  test('is destroyed with a dev stack', () => {
    expect(template.toJSON().Resources[tableLogicalId(stack, definition)]).toMatchObject({
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('tables', () => {
  test('are exactly those of TABLES', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', TABLES.length);
  });

  test('the audit table expires records on expiresAt and is searchable by customer', () => {
    // The definitions' shape, pinned once: the audit trail writes `expiresAt` and queries `byCustomer`.
    expect(template.toJSON().Resources[tableLogicalId(stack, AUDIT_TABLE)].Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        expect.objectContaining({
          IndexName: 'byCustomer',
          KeySchema: [
            { AttributeName: 'customerId', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
  });
});

describe('authorizer function', () => {
  test('gets the brand table, stage, cache TTL and Powertools settings as environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          BRAND_TABLE_NAME: { Ref: tableId },
          STAGE: 'dev',
          BRAND_CACHE_TTL_SECONDS: '30',
          POWERTOOLS_SERVICE_NAME: 'ciam-authorizer',
          POWERTOOLS_METRICS_NAMESPACE: 'CiamGateway',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });

  test('runs Node.js 22 on arm64 with 512 MB and a 5 s timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer' } },
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 5,
    });
  });

  test('may only GetItem on the brand table, and GetItem or BatchGetItem on the revocation table, nothing else on DynamoDB', () => {
    const statements = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: authorizerRoleId }],
      PolicyDocument: { Statement: statements },
    });
    const onDynamoDb = (statements.asArray() as { Action: string | string[] }[]).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
    );
    expect(onDynamoDb).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
      { Effect: 'Allow', Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'], Resource: { 'Fn::GetAtt': [revocationsTableId, 'Arn'] } },
    ]);
  });

  test('has no managed policy (no account-wide logs:* from AWSLambdaBasicExecutionRole)', () => {
    expect(template.toJSON().Resources[authorizerRoleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('logs to its own log group, kept 14 days in dev', () => {
    const logGroup = new Capture();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer' } },
      LoggingConfig: { LogGroup: { Ref: logGroup } },
    });
    expect(template.toJSON().Resources[logGroup.asString()].Properties.RetentionInDays).toBe(14);
  });
});

describe('request authorizer', () => {
  test('is a REQUEST authorizer keyed on exactly Authorization and X-Brand-Id', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization,method.request.header.X-Brand-Id',
    });
  });

  test('caches decisions for the stage TTL (5 s: the revocation budget)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 5 });
  });
});

describe('gateway responses', () => {
  test('UNAUTHORIZED is a 401 invalid_token', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': INVALID_TOKEN_HEADER },
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"INVALID_TOKEN"') },
    });
  });

  test('ACCESS_DENIED is a 403 insufficient_scope', () => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '403',
      ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': `'Bearer error="insufficient_scope"'` },
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"INSUFFICIENT_SCOPE"') },
    });
  });

  test.each(['AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR'])('%s fails closed as a 401 invalid_token', (type) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: '401',
      ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': INVALID_TOKEN_HEADER },
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"INVALID_TOKEN"') },
    });
  });

  test('every one is Cache-Control: no-store', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'));
    expect(responses.map((r) => r.Properties.ResponseParameters['gatewayresponse.header.Cache-Control'])).toEqual(
      Array(4).fill("'no-store'"),
    );
  });
});

describe('routes', () => {
  test('GET /health is public', () => {
    expect(apiMethod(template, 'GET', '/health')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(apiMethod(template, 'GET', '/health').AuthorizerId).toBeUndefined();
  });

  test('GET /v1/whoami goes through the CIAM authorizer', () => {
    expect(apiMethod(template, 'GET', '/v1/whoami')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: authorizerId },
    });
  });

  test.each(ROUTES.map((route) => [route.method, route.path, route]))(
    '%s %s exists as a Lambda proxy method with its auth',
    (_method, _path, route) => {
      const method = apiMethod(template, route.method, route.path);
      expect(method).toMatchObject({
        AuthorizationType: AUTHORIZATION_TYPE[route.auth],
        Integration: { Type: 'AWS_PROXY', TimeoutInMillis: 29_000 },
      });
      expect(method.AuthorizerId).toEqual(route.auth === 'ciam' ? { Ref: authorizerId } : undefined);
    },
  );

  test('every method goes through a request validator that checks body and parameters', () => {
    const validatorId = logicalIdOf(template, 'AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    expect(methods.map((m) => m.Properties.RequestValidatorId)).toEqual(Array(ROUTES.length).fill({ Ref: validatorId }));
  });

  test('each handler named in ROUTES gets one function, besides the authorizer and the follow-up cache flush', () => {
    const handlers = new Set(ROUTES.map((route) => route.handler));
    template.resourceCountIs('AWS::Lambda::Function', handlers.size + 2);
  });
});

describe('API stage', () => {
  test('writes JSON access logs to a log group kept 14 days in dev', () => {
    const destination = new Capture();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [destination, 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    expect(template.toJSON().Resources[destination.asString()].Properties.RetentionInDays).toBe(14);
  });

  test('logs errors without request or response data, with metrics, tracing and throttling', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        }),
      ],
    });
  });

  test('is a regional endpoint', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  test('outputs the API URL', () => {
    template.hasOutput('ApiUrl', {});
  });

  test.each([
    ['BrandTableName', BRAND_CONFIG_TABLE],
    ['CustomersTableName', CUSTOMERS_TABLE],
    ['AuditTableName', AUDIT_TABLE],
  ] as const)('outputs %s', (output, definition) => {
    template.hasOutput(output, { Value: { Ref: tableLogicalId(stack, definition) } });
  });
});

describe('brand admin API', () => {
  const adminRoutes = ROUTES.filter((route) => route.auth === 'admin');

  test('ROUTES holds exactly the eleven admin routes as admin routes', () => {
    expect(adminRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(ADMIN_ROUTES);
  });

  // AdminApiBaseUrl is the base of every admin route, and of nothing that is not one.
  test('every route under /v1/admin is an admin route, and no admin route is elsewhere', () => {
    const underAdmin = ROUTES.filter((route) => /^\/v1\/admin(\/|$)/.test(route.path));
    expect(underAdmin).toEqual(adminRoutes);
  });

  test.each(ADMIN_ROUTES)('%s is authorised by IAM (AWS_IAM), with no authorizer', (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const properties = apiMethod(template, method, path);
    expect(properties.AuthorizationType).toBe('AWS_IAM');
    expect(properties.AuthorizerId).toBeUndefined();
  });

  test('outputs the admin API base URL on the stage', () => {
    const output = template.toJSON().Outputs.AdminApiBaseUrl as { Value: unknown };
    expect(renderResource(output.Value, API_NAMES(stack))).toBe(
      'https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}/v1/admin',
    );
  });

  describe('grantAdmin', () => {
    const granted = gatewayStack('dev');
    const operator = new Role(granted, 'Operator', { assumedBy: new AccountRootPrincipal() });
    const grant = granted.grantAdmin(operator);
    const grantedTemplate = Template.fromStack(granted);
    const operatorId = granted.getLogicalId(operator.node.defaultChild as CfnElement);
    const operatorStatements = Object.values(grantedTemplate.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: operatorId }]))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
    const STAGE_ARN = 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${Stage}';
    // A path parameter is `*`: IAM matches the request's own path, e.g. /v1/admin/brands/acme.
    const ADMIN_METHOD_ARNS = [
      `${STAGE_ARN}/GET/v1/admin/brands`,
      `${STAGE_ARN}/GET/v1/admin/brands/*`,
      `${STAGE_ARN}/PUT/v1/admin/brands/*`,
      `${STAGE_ARN}/DELETE/v1/admin/brands/*`,
      `${STAGE_ARN}/POST/v1/admin/brands/*/check`,
      `${STAGE_ARN}/POST/v1/admin/brands/*/enable`,
      `${STAGE_ARN}/GET/v1/admin/brands/*/audit`,
      `${STAGE_ARN}/POST/v1/admin/brands/*/revocations`,
      `${STAGE_ARN}/GET/v1/admin/brands/*/revocations`,
      `${STAGE_ARN}/POST/v1/admin/checks`,
      `${STAGE_ARN}/POST/v1/admin/api-keys/sync`,
    ];

    test('allows execute-api:Invoke on exactly the eleven admin methods of the stage, and nothing else', () => {
      expect(permissions(operatorStatements, API_NAMES(granted)).sort()).toEqual(
        ADMIN_METHOD_ARNS.map((arn) => `Allow execute-api:Invoke on ${arn}`).sort(),
      );
    });

    test('returns a grant that succeeded (the grantee has a policy to add to)', () => {
      expect(grant.success).toBe(true);
    });

    test('adminInvokeArns are those eleven ARNs, in ROUTES order', () => {
      expect(granted.adminInvokeArns.map((arn) => renderResource(granted.resolve(arn), API_NAMES(granted)))).toEqual(ADMIN_METHOD_ARNS);
    });

    test('grants nothing when it is not called', () => {
      const invokes = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement)
        .filter((statement) => [statement.Action].flat().some((action) => action?.startsWith('execute-api:')));
      expect(invokes).toEqual([]);
    });
  });

  describe('grantConsole', () => {
    const granted = gatewayStack('dev');
    const operator = new Role(granted, 'ConsoleOperator', { assumedBy: new AccountRootPrincipal() });
    const grant = granted.grantConsole(operator);
    const operatorId = granted.getLogicalId(operator.node.defaultChild as CfnElement);
    const operatorStatements = Object.values(Template.fromStack(granted).findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: operatorId }]))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
    const STAGE_ARN = 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/${Stage}';

    test('allows what grantAdmin allows, plus cloudwatch:GetMetricData, and nothing else', () => {
      const allowed = permissions(operatorStatements, API_NAMES(granted));
      expect(allowed.filter((p) => p.startsWith('Allow execute-api:Invoke on ')).sort()).toEqual(
        granted.adminInvokeArns.map((arn) => `Allow execute-api:Invoke on ${renderResource(granted.resolve(arn), API_NAMES(granted))}`).sort(),
      );
      expect(allowed.filter((p) => !p.startsWith('Allow execute-api:Invoke on '))).toEqual(['Allow cloudwatch:GetMetricData on *']);
      expect(allowed).toContain(`Allow execute-api:Invoke on ${STAGE_ARN}/POST/v1/admin/checks`);
      expect(allowed).toHaveLength(granted.adminInvokeArns.length + 1);
    });

    test('returns a grant that succeeded', () => {
      expect(grant.success).toBe(true);
    });
  });
});

describe('SSM parameters for other stacks and apps', () => {
  test.each([
    ['/ciam-gateway/dev/authorizer-function-arn', { 'Fn::GetAtt': [authorizerFunctionId, 'Arn'] }],
    ['/ciam-gateway/dev/brand-table-name', { Ref: tableId }],
    ['/ciam-gateway/dev/brand-table-arn', { 'Fn::GetAtt': [tableId, 'Arn'] }],
    ['/ciam-gateway/dev/revocations-table-name', { Ref: revocationsTableId }],
    ['/ciam-gateway/dev/revocations-table-arn', { 'Fn::GetAtt': [revocationsTableId, 'Arn'] }],
  ])('publishes %s', (name, value) => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Name: name, Value: value });
  });

  test("registers the stack's own API stage for the authorizer-cache flushes: /ciam-gateway/dev/apis/<apiId> = dev, with its brand-cache TTL", () => {
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Type: 'String',
      Name: { 'Fn::Join': ['', ['/ciam-gateway/dev/apis/', { Ref: logicalIdOfConstruct(stack.api) }]] },
      Value: registrationValue(stack.api.deploymentStage, 30),
    });
  });

  // The two more: each quota tier's usage plan id (test/infra/brand-quotas.test.ts).
  test('has exactly those six parameters and one per quota tier', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 6 + Object.keys(DEFAULT_QUOTA_TIERS).length);
  });
});

describe('routes', () => {
  test('are ROUTES when the stack is given none', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', ROUTES.length);
  });
});

// Split into constructs, the stack keeps the logical ids it deployed with: a new id would give a deployed stage new,
// empty tables, a new API (another URL), and new log groups beside the retained old ones.
describe('logical ids of a deployed stage', () => {
  const ids = new Set(Object.keys(template.toJSON().Resources));

  test.each([
    ['brand table', 'BrandConfigTable588778E0'],
    ['customers table', 'CustomersTableB554B793'],
    ['audit table', 'AuditTableB07F8EEB'],
    ['REST API', 'ApiF70053CD'],
    ['API stage', 'ApiDeploymentStagedev51EE5D56'],
    ['access log group', 'AccessLogs8B620ECA'],
    ['authorizer function', 'CiamAuthorizerHandlerFunction2180827C'],
    ['authorizer log group', 'CiamAuthorizerHandlerLogGroup61829C70'],
    ['admin function', 'adminbrandsrouteFunction60BBD907'],
    ['admin log group', 'adminbrandsrouteLogGroupACB48083'],
    ['customer function log group', 'linkcustomerrouteLogGroupBA532841'],
  ])('keeps the %s as %s', (_what, logicalId) => {
    expect(ids.has(logicalId)).toBe(true);
  });
});
