/** Each construct of the gateway used alone, as a user composing their own stack would. */
import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { ROUTES, type RouteDefinition } from '../../lambdas/core/routes';
import { CiamAuthorizer } from '../../lib/ciam-authorizer';
import { importCiamAuthorizer } from '../../lib/ciam-authorizer-from-stage';
import { CiamGatewayApi } from '../../lib/ciam-gateway-api';
import { CiamGatewayTables } from '../../lib/ciam-gateway-tables';
import { CiamGatewayStageParameters } from '../../lib/stage-parameters';
import { TABLES } from '../../lib/table-definitions';
import { logicalIdOfConstruct, permissions, roleStatements, testApp } from './infra-test-support';

const HEALTH: RouteDefinition = { method: 'GET', path: '/health', handler: 'health', auth: 'none', scopes: [] };
const WHOAMI: RouteDefinition = { method: 'GET', path: '/v1/whoami', handler: 'whoami', auth: 'ciam', scopes: [] };
const ADMIN_ROUTES = ROUTES.filter((route) => route.auth === 'admin');

const newStack = (id = 'Own') => new Stack(testApp(), id);
const cfnResources = (stack: Stack) => stack.node.findAll().filter((construct) => construct instanceof CfnResource);

describe('CiamGatewayTables alone', () => {
  test('makes the tables of TABLES, retained and recoverable by default', () => {
    const stack = newStack();
    const tables = new CiamGatewayTables(stack, 'Tables');
    const template = Template.fromStack(stack);
    expect([...tables.tables.keys()]).toEqual(TABLES.map((definition) => definition.id));
    for (const table of [tables.brandTable, tables.customersTable, tables.auditTable, tables.revocationsTable]) {
      expect(template.toJSON().Resources[logicalIdOfConstruct(table)]).toMatchObject({
        Type: 'AWS::DynamoDB::GlobalTable',
        DeletionPolicy: 'Retain',
        Properties: { Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })] },
      });
    }
  });

  test('takes a removal policy and point-in-time recovery', () => {
    const stack = newStack();
    new CiamGatewayTables(stack, 'Tables', { removalPolicy: RemovalPolicy.DESTROY, pointInTimeRecovery: false });
    const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables.map((t) => [t.DeletionPolicy, t.Properties.Replicas[0].PointInTimeRecoverySpecification])).toEqual(
      Array(TABLES.length).fill(['Delete', { PointInTimeRecoveryEnabled: false }]),
    );
  });
});

describe('CiamGatewayApi alone', () => {
  test('serves a public route with no tables and no authorizer: one function, no authorizer, nothing to flush', () => {
    const stack = newStack();
    const api = new CiamGatewayApi(stack, 'Gateway', { stage: 'dev', routes: [HEALTH] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'dev', TracingEnabled: true });
    expect(api.ciamAuthorizer).toBeUndefined();
    expect(api.adminInvokeArns).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('apigateway:DELETE');
  });

  test('keeps logs a year by default', () => {
    const stack = newStack();
    new CiamGatewayApi(stack, 'Gateway', { stage: 'dev', routes: [HEALTH] });
    const retentions = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup')).map((group) => group.Properties.RetentionInDays);
    expect(new Set(retentions)).toEqual(new Set([365]));
  });

  test("serves the brand admin API over tables of one's own, its function allowed to flush every registered stage", () => {
    const stack = newStack();
    const own = (id: string) => TableV2.fromTableName(stack, id, id.toLowerCase());
    const api = new CiamGatewayApi(stack, 'Admin', {
      stage: 'ops',
      routes: ADMIN_ROUTES,
      tables: { brandTable: own('Brands'), customersTable: own('Customers'), auditTable: own('Audit'), revocationsTable: own('Revocations') },
    });
    const template = Template.fromStack(stack);
    const adminFunction = api.routeFunctions.get('admin-brands');
    if (!adminFunction) throw new Error('no admin-brands function');
    const functionId = logicalIdOfConstruct(adminFunction);
    const granted = permissions(roleStatements(template, functionId), new Map([['AWS::Partition', 'aws'], ['AWS::Region', 'region'], ['AWS::AccountId', 'account']]));
    expect(granted).toEqual(
      expect.arrayContaining([
        'Allow ssm:GetParametersByPath on arn:${aws}:ssm:${region}:${account}:parameter/ciam-gateway/ops/apis',
        'Allow apigateway:DELETE on arn:${aws}:apigateway:${region}::/restapis/*/stages/*/cache/authorizers',
      ]),
    );
    expect(granted.filter((permission) => permission.includes(' ssm:') || permission.includes(' apigateway:'))).toHaveLength(2);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { STAGE: 'ops', BRAND_TABLE_NAME: 'brands', AUDIT_TABLE_NAME: 'audit' } } });

    const operator = new Role(stack, 'Operator', { assumedBy: new AccountRootPrincipal() });
    expect(api.grantAdmin(operator).success).toBe(true);
  });

  test("guards ciam routes with a CiamAuthorizer, handing it the routes' scopes", () => {
    const stack = newStack();
    const tables = new CiamGatewayTables(stack, 'Tables');
    const authorizer = new CiamAuthorizer(stack, 'Ciam', { brandTable: tables.brandTable, revocationsTable: tables.revocationsTable, stage: 'dev' });
    const api = new CiamGatewayApi(stack, 'Gateway', { stage: 'dev', routes: [HEALTH, WHOAMI], ciamAuthorizer: authorizer });
    expect(api.ciamAuthorizer).toBe(authorizer.authorizerFor(api.api));
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::Authorizer', 1);
  });

  test('takes an imported authorizer for routes that need no scope', () => {
    const stack = newStack();
    const api = new CiamGatewayApi(stack, 'Gateway', { stage: 'dev', routes: [WHOAMI], ciamAuthorizer: importCiamAuthorizer(stack, 'Ciam', { stage: 'prod' }) });
    expect(api.ciamAuthorizer).toBeDefined();
    const permissions = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Permission')).map((p) => JSON.stringify(p.Properties.FunctionName));
    // One for the imported authorizer function (a deploy-time SSM parameter), one for the whoami function.
    expect(permissions.filter((name) => name.includes('"Ref":"SsmParameterValue'))).toHaveLength(1);
  });

  test('names every problem with its props at once, before making anything', () => {
    const stack = newStack();
    const props = {
      stage: 'Dev',
      routes: [
        HEALTH,
        HEALTH,
        { ...HEALTH, path: '/open', scopes: ['x'] },
        WHOAMI,
        { method: 'GET', path: 'me', handler: 'me', auth: 'ciam', scopes: [] },
      ] as RouteDefinition[],
      auditRetentionDays: 0,
      brandConfigCacheTtl: Duration.hours(2),
    };
    const problems = [
      'stage must match',
      'routes: GET /health is given twice',
      "routes: GET /open: scopes apply only to auth 'ciam' routes (this one is 'none')",
      'routes: GET me: the path must start with /',
      "ciamAuthorizer is required: routes with auth 'ciam' need it",
      'tables are required: the handlers me use them',
    ];
    expect(() => new CiamGatewayApi(stack, 'Gateway', props)).toThrow(new RegExp(problems.map(escape).join('[^]*')));
    expect(cfnResources(stack)).toEqual([]);
  });

  test("refuses settings the functions' environment would refuse, named by variable", () => {
    const stack = newStack();
    const tables = new CiamGatewayTables(stack, 'Tables');
    const props = { stage: 'dev', routes: ADMIN_ROUTES, tables, auditRetentionDays: 0, brandConfigCacheTtl: Duration.hours(2) };
    expect(() => new CiamGatewayApi(stack, 'Gateway', props)).toThrow(
      /function environment: BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600[^]*function environment: AUDIT_RETENTION_DAYS must be an integer from 1 to 3650/,
    );
    expect(cfnResources(stack).filter((resource) => resource.cfnResourceType !== 'AWS::DynamoDB::GlobalTable')).toEqual([]);
  });
});

describe('CiamGatewayStageParameters alone', () => {
  test('publishes the authorizer function ARN and the brand table name and ARN under /ciam-gateway/<stage>/', () => {
    const stack = newStack();
    const tables = new CiamGatewayTables(stack, 'Tables');
    const authorizer = new CiamAuthorizer(stack, 'Ciam', { brandTable: tables.brandTable, revocationsTable: tables.revocationsTable, stage: 'team' });
    new CiamGatewayStageParameters(stack, 'Parameters', { stage: 'team', authorizerFunction: authorizer.handler, brandTable: tables.brandTable, revocationsTable: tables.revocationsTable });
    const template = Template.fromStack(stack);
    const table = logicalIdOfConstruct(tables.brandTable);
    for (const [name, value] of [
      ['/ciam-gateway/team/authorizer-function-arn', { 'Fn::GetAtt': [logicalIdOfConstruct(authorizer.handler), 'Arn'] }],
      ['/ciam-gateway/team/brand-table-name', { Ref: table }],
      ['/ciam-gateway/team/brand-table-arn', { 'Fn::GetAtt': [table, 'Arn'] }],
    ] as const) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Name: name, Value: value });
    }
  });

  test('refuses a stage that is not a literal stage name', () => {
    const stack = newStack();
    const tables = new CiamGatewayTables(stack, 'Tables');
    const authorizer = new CiamAuthorizer(stack, 'Ciam', { brandTable: tables.brandTable, revocationsTable: tables.revocationsTable, stage: 'team' });
    expect(() => new CiamGatewayStageParameters(stack, 'Parameters', { stage: 'Team', authorizerFunction: authorizer.handler, brandTable: tables.brandTable, revocationsTable: tables.revocationsTable })).toThrow(
      'Invalid CiamGatewayStageParameters props at Own/Parameters',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
