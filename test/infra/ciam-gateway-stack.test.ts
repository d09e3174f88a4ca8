import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { ROUTES } from '../../lambdas/core/routes';
import { BRAND_CONFIG_TABLE } from '../../lib/table-definitions';
import { apiMethod, gatewayStack, logicalIdOf } from './infra-test-support';

const template = Template.fromStack(gatewayStack('dev'));
const tableId = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', {});
const authorizerFunctionId = logicalIdOf(template, 'AWS::Lambda::Function', {
  Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer' } },
});
const authorizerRoleId = (
  template.toJSON().Resources[authorizerFunctionId].Properties.Role as { 'Fn::GetAtt': [string, string] }
)['Fn::GetAtt'][0];
const authorizerId = logicalIdOf(template, 'AWS::ApiGateway::Authorizer', {});

const INVALID_TOKEN_HEADER = `'Bearer error="invalid_token"'`;

describe('brand table', () => {
  test('is keyed by BRAND_CONFIG_TABLE and billed per request', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: BRAND_CONFIG_TABLE.partitionKey, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('has point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  test('is encrypted with the AWS-managed KMS key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  test('is destroyed with a dev stack', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
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

  test('may only GetItem on the brand table, nothing else on DynamoDB', () => {
    const statements = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: authorizerRoleId }],
      PolicyDocument: { Statement: statements },
    });
    const onDynamoDb = (statements.asArray() as { Action: string | string[] }[]).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
    );
    expect(onDynamoDb).toEqual([{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } }]);
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

  test('caches decisions for the stage TTL (60 s in dev)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 60 });
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
      expect(apiMethod(template, route.method, route.path)).toMatchObject({
        AuthorizationType: route.auth === 'ciam' ? 'CUSTOM' : 'NONE',
        Integration: { Type: 'AWS_PROXY', TimeoutInMillis: 29_000 },
      });
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

  test('each handler named in ROUTES gets one function, besides the authorizer', () => {
    const handlers = new Set(ROUTES.map((route) => route.handler));
    template.resourceCountIs('AWS::Lambda::Function', handlers.size + 1);
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

  test('outputs the API URL and the brand table name', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('BrandTableName', { Value: { Ref: tableId } });
  });
});
