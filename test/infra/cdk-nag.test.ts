import { Stack, Validations, type PolicyViolation } from 'aws-cdk-lib';
import { AuthorizationType, MockIntegration, RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ROUTES, type RouteDefinition } from '../../lambdas/core/routes';
import { CiamAuthorizer } from '../../lib/ciam-authorizer';
import { gatewayStack, testApp } from './infra-test-support';

/** AwsSolutions findings still standing after acknowledgements, as `rule at path` lines (readable when it fails). */
function unacknowledgedFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return report.violations.flatMap((violation: PolicyViolation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} (${violation.severity}) at ${resource.constructPath}`),
  );
}

/** Every acknowledgement recorded on the tree, with its reason. */
function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason })),
  );
}

describe.each(['dev', 'prod'])('cdk-nag AwsSolutions on the %s stack', (stage) => {
  const stack = gatewayStack(stage);

  test('leaves no unacknowledged error or warning', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });

  test('every acknowledgement gives a reason', () => {
    for (const { path, id, reason } of acknowledgements(stack)) {
      expect({ path, id, reason: reason.trim().length >= 30 }).toEqual({ path, id, reason: true });
    }
  });
});

/** The acknowledgements each method gets, by its route's `auth`, written out. */
const METHOD_ACKNOWLEDGEMENTS: Readonly<Record<RouteDefinition['auth'], readonly string[]>> = {
  // Public: no authorisation at all (APIG4), so no Cognito either (COG4).
  none: ['AwsSolutions-APIG4', 'AwsSolutions-COG4'],
  // The CIAM authorizer satisfies APIG4; it is not a Cognito authorizer (COG4).
  ciam: ['AwsSolutions-COG4'],
  // IAM authorisation satisfies APIG4; it is not a Cognito authorizer (COG4).
  admin: ['AwsSolutions-COG4'],
};

/** The API construct is the stack's `Default` child, which keeps the logical ids but not the construct paths. */
const API_PATH = 'CiamGateway-dev/Default/Api/Default';
const methodPath = (route: RouteDefinition): string => `${API_PATH}${route.path}/${route.method}`;

describe('cdk-nag acknowledgements on the methods', () => {
  const acknowledged = acknowledgements(gatewayStack('dev'));

  test.each(ROUTES.map((route) => [route.method, route.path, route]))('%s %s acknowledges exactly the rules of its auth', (_m, _p, route) => {
    const ids = acknowledged.filter(({ path }) => path === methodPath(route)).map(({ id }) => id);
    expect(ids.sort()).toEqual([...METHOD_ACKNOWLEDGEMENTS[route.auth]].sort());
  });

  test('admin methods acknowledge COG4 as IAM-authorised', () => {
    const adminPaths = new Set(ROUTES.filter((route) => route.auth === 'admin').map(methodPath));
    expect(acknowledged.filter(({ path }) => adminPaths.has(path))).toEqual(
      [...adminPaths].map((path) => ({
        path,
        id: 'AwsSolutions-COG4',
        reason: 'admin API: IAM SigV4 authorization, operators are AWS principals, not Cognito users.',
      })),
    );
  });
});

describe('cdk-nag AwsSolutions without acknowledgements', () => {
  let findings: string[];
  beforeAll(() => {
    const acknowledge = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      findings = unacknowledgedFindings(gatewayStack('dev'));
    } finally {
      acknowledge.mockRestore();
    }
  });

  // Each acknowledgement silences a real finding (none is stale), and these are all the findings there are.
  test('finds exactly the acknowledged rules', () => {
    const rules = new Set(findings.map((finding) => finding.split(' ')[0]));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5[Resource::*]',
      // The admin function flushes the authorizer caches of API stages registered at run time (see below).
      // The admin function keeps brands' API keys, made at run time, in the tier plans (lib/brand-quota-plans.ts).
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/*/stages/*/cache/authorizers]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/<CiamAuthorizerQuotaPlansTierpremium271A97A7>/keys/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/<CiamAuthorizerQuotaPlansTierstandard004DC26E>/keys/*]',
      // The authorizer and admin functions read the secrets of brands onboarded at run time, under the stage's prefix.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:ciam-gateway/dev/brands/*]',
      'AwsSolutions-L1',
    ]);
  });

  // Per construct, not only per rule: an acknowledgement on a construct where its rule finds nothing is stale.
  test('every acknowledgement silences a finding of its rule on its construct or below it', () => {
    const stale = acknowledgements(gatewayStack('dev')).filter(
      ({ path, id }) => !findings.some((finding) => finding.startsWith(`${id} (`) && (finding.endsWith(` at ${path}`) || finding.includes(` at ${path}/`))),
    );
    expect(stale).toEqual([]);
  });

  test('flags as unauthenticated exactly the routes ROUTES makes public', () => {
    const publicMethods = ROUTES.filter((route) => route.auth === 'none').map(
      (route) => `AwsSolutions-APIG4 (error) at ${methodPath(route)}/Resource`,
    );
    expect(findings.filter((finding) => finding.startsWith('AwsSolutions-APIG4 '))).toEqual(publicMethods);
  });
});

describe("cdk-nag AwsSolutions on a consumer's stack that opts in to quotas (CiamAuthorizer.fromStage)", () => {
  test("leaves only the consumer's own API findings: the plans' custom resource function is acknowledged", () => {
    const stack = new Stack(testApp(), 'Orders');
    const ciam = CiamAuthorizer.fromStage(stack, 'Ciam', { stage: 'prod' });
    const api = new RestApi(stack, 'OrdersApi', { cloudWatchRole: false });
    api.root.addResource('orders').addMethod('GET', new MockIntegration(), { authorizer: ciam.authorizerFor(api, { quotas: true }), authorizationType: AuthorizationType.CUSTOM });
    const findings = unacknowledgedFindings(stack).filter((finding) => !finding.includes(' at Orders/OrdersApi/'));
    expect(findings).toEqual([]);
  });
});
