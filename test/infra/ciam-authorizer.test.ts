import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Duration, Stack } from 'aws-cdk-lib';
import { MockIntegration, RestApi, type IAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { REVOCATION_BUDGET_WARNING, ROUTE_SCOPE_OVERLAP_WARNING, type AuthorizerForOptions } from '../../lib/ciam-api-authorizers';
import { CiamAuthorizer, type CiamAuthorizerProps } from '../../lib/ciam-authorizer';
import { CIAM_AUTHORIZER_DEFAULTS, REVOCATION_BUDGET, revocationDelay } from '../../lib/ciam-authorizer-defaults';
import { registrationValue, testApp } from './infra-test-support';

/** Another team's stack: RestApis of its own and a brand table it already has. */
function consumerStack(id = 'ConsumerStack'): { stack: Stack; brandTable: ReturnType<typeof Table.fromTableName>; revocationsTable: ReturnType<typeof Table.fromTableName> } {
  const stack = new Stack(testApp(), id);
  return {
    stack,
    brandTable: Table.fromTableName(stack, 'ExistingBrands', 'existing-brands'),
    revocationsTable: Table.fromTableName(stack, 'ExistingRevocations', 'existing-revocations'),
  };
}

/** A RestApi with `GET /orders` and `GET /orders/{id}`, both guarded by `authorizer`. */
function ordersApi(stack: Stack, id: string, authorizer: (api: RestApi) => IAuthorizer): RestApi {
  const api = new RestApi(stack, id, { cloudWatchRole: false });
  const orders = api.root.addResource('orders');
  orders.addMethod('GET', new MockIntegration(), { authorizer: authorizer(api) });
  orders.addResource('{id}').addMethod('GET', new MockIntegration(), { authorizer: authorizer(api) });
  return api;
}

const ORDERS_SCOPES = { 'GET /orders/{id}': ['orders:read'], 'DELETE /orders/{id}': ['orders:admin'] };
const POINTS_SCOPES = { 'POST /points': ['points:write'] };

const consumer = consumerStack();
const ciam = new CiamAuthorizer(consumer.stack, 'Ciam', { brandTable: consumer.brandTable, revocationsTable: consumer.revocationsTable, stage: 'team-a' });
const ordersApiOf = ordersApi(consumer.stack, 'OrdersApi', (api) => ciam.authorizerFor(api, { routeScopes: ORDERS_SCOPES }));
const pointsApi = ordersApi(consumer.stack, 'PointsApi', (api) => ciam.authorizerFor(api, { routeScopes: POINTS_SCOPES, cors: { allowOrigins: ['*'] } }));
const plainApi = ordersApi(consumer.stack, 'PlainApi', (api) => ciam.authorizerFor(api, { gatewayResponses: false }));
const template = Template.fromStack(consumer.stack);
const apiId = (api: RestApi) => consumer.stack.getLogicalId(api.node.defaultChild as never);

type Resources = Record<string, { Properties: Record<string, unknown> }>;

/** The deployed value of a variable: `Fn::Join` parts joined, a `Ref` written as the logical id it refers to. */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  const { Ref: ref, 'Fn::Join': join } = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (ref !== undefined) return ref;
  if (join !== undefined) return join[1].map(rendered).join(join[0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

function functionVariables(t: Template): Record<string, unknown> {
  const functions = Object.values(t.findResources('AWS::Lambda::Function') as Resources);
  expect(functions).toHaveLength(1);
  return (functions[0]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('CiamAuthorizer: one function, many RestApis', () => {
  test('gives each API its own REQUEST authorizer over the one function', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 3);
    for (const api of [ordersApiOf, pointsApi, plainApi]) {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'REQUEST',
        RestApiId: { Ref: apiId(api) },
        IdentitySource: 'method.request.header.Authorization,method.request.header.X-Brand-Id',
        AuthorizerUri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.objectLike({ 'Fn::GetAtt': [Match.stringLikeRegexp('^CiamHandler'), 'Arn'] })])] }),
      });
    }
  });

  test('lets each API invoke the function through exactly one permission, whatever its number of methods', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission') as Resources);
    expect(permissions).toHaveLength(3);
    for (const api of [ordersApiOf, pointsApi, plainApi]) {
      const forApi = permissions.filter(({ Properties: p }) => JSON.stringify(p.SourceArn).includes(`"Ref":"${apiId(api)}"`));
      expect(forApi).toHaveLength(1);
      expect(forApi[0]?.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(forApi[0]?.Properties.SourceArn)).toContain('/authorizers/');
    }
  });

  test('answers the same authorizer for an API every time', () => {
    expect(ciam.authorizerFor(ordersApiOf)).toBe(ciam.authorizerFor(ordersApiOf));
    expect(ciam.authorizerFor(ordersApiOf, { routeScopes: { 'DELETE /orders/{id}': ['orders:admin'], 'GET /orders/{id}': ['orders:read'] } })).toBe(
      ciam.authorizerFor(ordersApiOf),
    );
    expect(ciam.authorizerFor(ordersApiOf)).not.toBe(ciam.authorizerFor(pointsApi));
  });

  test('refuses other options for an API that already has its authorizer', () => {
    expect(() => ciam.authorizerFor(ordersApiOf, { routeScopes: { 'GET /orders': ['x'] } })).toThrow(
      'ConsumerStack/Ciam: ConsumerStack/OrdersApi already has its CIAM authorizer, made with other options: give an API\'s options once',
    );
  });

  test('guards the methods with the authorizer of their own API', () => {
    const authorizers = template.findResources('AWS::ApiGateway::Authorizer') as Resources;
    const authorizerOf = (api: RestApi) => Object.keys(authorizers).find((id) => JSON.stringify(authorizers[id]?.Properties.RestApiId) === JSON.stringify({ Ref: apiId(api) }));
    for (const api of [ordersApiOf, pointsApi, plainApi]) {
      template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'GET',
        RestApiId: { Ref: apiId(api) },
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerOf(api) },
      });
    }
  });

  test('hands the function every API\'s route scopes in ROUTE_SCOPES, keyed by the API id, and no entry for an API without', () => {
    const routeScopes: unknown = JSON.parse(rendered(functionVariables(template).ROUTE_SCOPES));
    expect(routeScopes).toEqual({ [apiId(ordersApiOf)]: ORDERS_SCOPES, [apiId(pointsApi)]: POINTS_SCOPES });
  });

  test('writes {} when no API names routes: every route then needs only a valid token', () => {
    const { stack, brandTable, revocationsTable } = consumerStack();
    const own = new CiamAuthorizer(stack, 'Ciam', { brandTable, revocationsTable, stage: 'dev' });
    ordersApi(stack, 'NoScopes', (api) => own.authorizerFor(api));
    expect(rendered(functionVariables(Template.fromStack(stack)).ROUTE_SCOPES)).toBe('{}');
  });

  test('registers each API stage under the gateway stage, for authorizer-cache flushes', () => {
    for (const api of [ordersApiOf, pointsApi, plainApi]) {
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Type: 'String',
        Name: { 'Fn::Join': ['', ['/ciam-gateway/team-a/apis/', { Ref: apiId(api) }]] },
        Value: registrationValue(api.deploymentStage, 60),
      });
    }
    template.resourceCountIs('AWS::SSM::Parameter', 3);
  });

  test('adds the four RFC 6750 gateway responses to each API, unless told not to', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse') as Resources);
    const of = (api: RestApi) => responses.filter(({ Properties: p }) => JSON.stringify(p.RestApiId) === JSON.stringify({ Ref: apiId(api) }));
    expect(of(ordersApiOf).map(({ Properties: p }) => p.ResponseType).sort()).toEqual(['ACCESS_DENIED', 'AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE', 'UNAUTHORIZED']);
    expect(of(pointsApi)).toHaveLength(4);
    expect(of(plainApi)).toHaveLength(0);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      RestApiId: { Ref: apiId(ordersApiOf) },
      ResponseType: 'ACCESS_DENIED',
      StatusCode: '403',
      ResponseParameters: {
        'gatewayresponse.header.WWW-Authenticate': '\'Bearer error="insufficient_scope"\'',
        'gatewayresponse.header.Cache-Control': "'no-store'",
      },
    });
  });

  test('puts the CORS headers on the gateway responses of an API given cors, and only there', () => {
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse') as Resources);
    for (const { Properties: p } of responses) {
      const headers = p.ResponseParameters as Record<string, string>;
      const withCors = JSON.stringify(p.RestApiId) === JSON.stringify({ Ref: apiId(pointsApi) });
      expect(headers['gatewayresponse.header.Access-Control-Allow-Origin']).toBe(withCors ? "'*'" : undefined);
      expect(headers['gatewayresponse.header.Access-Control-Expose-Headers']).toBe(withCors ? "'WWW-Authenticate'" : undefined);
    }
  });

  test('names one origin with Vary: Origin', () => {
    const { stack, brandTable, revocationsTable } = consumerStack();
    const own = new CiamAuthorizer(stack, 'Ciam', { brandTable, revocationsTable, stage: 'dev' });
    ordersApi(stack, 'Api', (api) => own.authorizerFor(api, { cors: { allowOrigins: ['https://app.example.com'] } }));
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Vary': "'Origin'",
      }),
    });
  });
});

describe('CiamAuthorizer: route scopes at synth', () => {
  /** A CiamAuthorizer and a RestApi not yet given methods (so never synthesized). */
  function build(): { stack: Stack; own: CiamAuthorizer; api: RestApi } {
    const { stack, brandTable, revocationsTable } = consumerStack();
    return { stack, own: new CiamAuthorizer(stack, 'Ciam', { brandTable, revocationsTable, stage: 'dev' }), api: new RestApi(stack, 'Api', { cloudWatchRole: false }) };
  }
  const childrenOf = (api: RestApi) => api.node.children.map((child) => child.node.id);
  const manyRoutes = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`GET /resource-number-${i}/{id}`, [`scope:number-${i}`]]));

  test('warns when a named route lies under the Deny of another with other scopes', () => {
    const { stack, own, api } = build();
    api.root.addMethod('GET', new MockIntegration(), { authorizer: own.authorizerFor(api) });
    ordersApi(stack, 'Overlapping', (api) => own.authorizerFor(api, { routeScopes: { 'GET /orders/{id}': ['orders:read'], 'GET /orders/{id}/items': [] } }));
    Annotations.fromStack(stack).hasWarning(
      '/ConsumerStack/Overlapping',
      Match.stringLikeRegexp(`GET /orders/\\{id\\}/items also needs orders:read: the Deny for GET /orders/\\{id\\} covers it.*${ROUTE_SCOPE_OVERLAP_WARNING}`),
    );
  });

  test('does not warn when the routes do not overlap', () => {
    const { stack, own, api } = build();
    api.root.addMethod('GET', new MockIntegration(), { authorizer: own.authorizerFor(api) });
    ordersApi(stack, 'Apart', (api) => own.authorizerFor(api, { routeScopes: ORDERS_SCOPES }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('refuses route scopes that would push the environment past Lambda\'s 4 KB, and makes nothing for that API', () => {
    const { own, api } = build();
    const before = childrenOf(api);
    expect(() => own.authorizerFor(api, { routeScopes: manyRoutes(100) })).toThrow(
      /routeScopes: with these route scopes \(ConsumerStack\/Api\) the authorizer function's environment would be \d+ bytes, over Lambda's limit of 4096/,
    );
    expect(childrenOf(api)).toEqual(before);
  });

  test('counts what every API adds to the one variable', () => {
    const { stack, own, api } = build();
    expect(() => own.authorizerFor(api, { routeScopes: manyRoutes(45) })).not.toThrow();
    const second = new RestApi(stack, 'Second', { cloudWatchRole: false });
    expect(() => own.authorizerFor(second, { routeScopes: manyRoutes(45) })).toThrow(/over Lambda's limit of 4096/);
  });

  test('names every bad option at once, before making anything', () => {
    const { own, api } = build();
    const before = childrenOf(api);
    const options: AuthorizerForOptions = {
      routeScopes: { 'GET orders': [], 'FETCH /x': ['a b'] },
      cors: { allowOrigins: ['https://a.example', 'https://b.example'] },
    };
    expect(() => own.authorizerFor(api, options)).toThrow(
      new Error(
        [
          'Invalid authorizerFor(ConsumerStack/Api) options at ConsumerStack/Ciam:',
          '  - routeScopes "GET orders": the path must start with /',
          '  - routeScopes "FETCH /x": the method must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY',
          '  - routeScopes "FETCH /x": scopes must be a list of scope names (RFC 6749 characters, no spaces)',
          "  - cors.allowOrigins must name exactly one origin or '*' (got 2): a gateway response's headers are fixed values",
        ].join('\n'),
      ),
    );
    expect(childrenOf(api)).toEqual(before);
  });

  test('refuses an origin with a path or a quote', () => {
    const { own, api } = build();
    expect(() => own.authorizerFor(api, { cors: { allowOrigins: ["https://app.example.com/'x"] } })).toThrow(/is not '\*' or an origin such as/);
  });

  test('refuses an API of another stack: the authorizer and the permission would refer to each other', () => {
    const { own } = build();
    const other = new Stack(own.node.root as never, 'OtherStack');
    const api = new RestApi(other, 'Api', { cloudWatchRole: false });
    expect(() => own.authorizerFor(api)).toThrow(/the API is in stack OtherStack, the authorizer in ConsumerStack: make the CiamAuthorizer in the API's stack/);
  });
});

describe('CiamAuthorizer function', () => {
  test('defaults to a 5 s result cache, a 60 s brand cache and a 10 s revocation cache: a revoked token is refused within 15 s', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 5 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ BRAND_CACHE_TTL_SECONDS: '60', REVOCATION_CACHE_TTL_SECONDS: '10', STAGE: 'team-a', BRAND_TABLE_NAME: 'existing-brands' }),
      },
    });
    expect(revocationDelay(CIAM_AUTHORIZER_DEFAULTS.resultsCacheTtl, CIAM_AUTHORIZER_DEFAULTS.revocationCacheTtl).toSeconds()).toBe(REVOCATION_BUDGET.toSeconds());
  });

  test('may GetItem on the existing table', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:GetItem',
            Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':table/existing-brands'])] }),
          },
        ]),
      },
    });
  });

  test('may read the introspection secrets of its stage\'s brands, and no other secret', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:ciam-gateway/team-a/brands/*']] },
          },
        ]),
      },
    });
  });

  test('keeps its logs a year by default', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});

describe('CiamAuthorizer props', () => {
  function build(overrides: Partial<CiamAuthorizerProps>): { stack: Stack; create: () => CiamAuthorizer } {
    const { stack, brandTable, revocationsTable } = consumerStack();
    return { stack, create: () => new CiamAuthorizer(stack, 'Ciam', { brandTable, revocationsTable, stage: 'dev', ...overrides }) };
  }

  test('lists every problem in one error', () => {
    const { create } = build({
      resultsCacheTtl: Duration.seconds(3601),
      brandConfigCacheTtl: Duration.hours(2),
      revocationCacheTtl: Duration.seconds(61),
      functionProps: { memorySize: 64 },
      stage: 'Not A Stage',
    });
    expect(create).toThrow(
      new Error(
        [
          'Invalid CiamAuthorizer props at ConsumerStack/Ciam:',
          '  - stage must be a literal stage name matching /^[a-z][a-z0-9-]{1,20}$/ (got "Not A Stage")',
          '  - resultsCacheTtl must be a whole number of seconds from 0 to 3600 (got 1 hour 1 second)',
          '  - brandConfigCacheTtl must be a whole number of seconds from 0 to 3600 (got 2 hours)',
          '  - revocationCacheTtl must be a whole number of seconds from 0 to 60 (got 1 minute 1 second)',
          '  - functionProps.memorySize must be a whole number of MB from 128 to 10240 (got 64 MB)',
        ].join('\n'),
      ),
    );
  });

  test('creates no resource when the props are invalid', () => {
    const { stack, create } = build({ resultsCacheTtl: Duration.seconds(4000) });
    expect(create).toThrow(/resultsCacheTtl/);
    expect(stack.node.findChild('Ciam').node.children).toHaveLength(0);
  });

  test('rejects a fractional cache TTL', () => {
    expect(build({ resultsCacheTtl: Duration.millis(1500) }).create).toThrow(/resultsCacheTtl must be a whole number/);
  });

  test('accepts a 0 s result cache (caching off), on every API', () => {
    const { stack, create } = build({ resultsCacheTtl: Duration.seconds(0) });
    const own = create();
    ordersApi(stack, 'Api', (api) => own.authorizerFor(api));
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });

  test('warns, once per API and acknowledgeably, when a revoked token could get through for longer than the 15 s budget', () => {
    const { stack, create } = build({ resultsCacheTtl: Duration.seconds(300), revocationCacheTtl: Duration.seconds(5) });
    const own = create();
    const api = ordersApi(stack, 'Api', (restApi) => own.authorizerFor(restApi));
    Annotations.fromStack(stack).hasWarning(
      `/${api.node.path}`,
      Match.stringLikeRegexp(`up to 305 s \\(resultsCacheTtl 300 s \\+ the authorizer's revocation cache TTL 5 s\\), over the 15 s budget.*\\[ack: ${REVOCATION_BUDGET_WARNING}\\]`),
    );
    const within = build({ resultsCacheTtl: Duration.seconds(10), revocationCacheTtl: Duration.seconds(5) });
    const ownWithin = within.create();
    ordersApi(within.stack, 'Api', (restApi) => ownWithin.authorizerFor(restApi));
    Annotations.fromStack(within.stack).hasNoWarning('*', Match.stringLikeRegexp('revoked token'));
    Template.fromStack(within.stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REVOCATION_CACHE_TTL_SECONDS: '5' }) },
    });
  });

  test('takes a memory size override', () => {
    const { handler } = build({ functionProps: { memorySize: 1024 } }).create();
    expect((handler.node.defaultChild as CfnFunction).memorySize).toBe(1024);
  });
});
