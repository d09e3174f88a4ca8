import {
  environmentVariableName, functionEnvironmentVariables, readFunctionEnvironment, type EnvironmentSource, type FunctionKind,
} from '../../lambdas/adapters/function-environment';
import { ConfigValidationError } from '../../lambdas/core/errors';

/** What the Lambda runtime sets itself: the region and the role's credentials. */
const LAMBDA_RUNTIME = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' };
const AUTHORIZER = { STAGE: 'prod', BRAND_TABLE_NAME: 'brands', REVOCATIONS_TABLE_NAME: 'revocations', ...LAMBDA_RUNTIME };
const CUSTOMER = { ...AUTHORIZER, CUSTOMERS_TABLE_NAME: 'customers', AUDIT_TABLE_NAME: 'audit', AUDIT_RETENTION_DAYS: '30' };
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/follow-ups';
const ADMIN = { ...AUTHORIZER, AUDIT_TABLE_NAME: 'audit', AUDIT_RETENTION_DAYS: '30', AUTHORIZER_CACHE_FLUSH_QUEUE_URL: QUEUE_URL };

function problemsOf(kind: FunctionKind, source: EnvironmentSource): readonly string[] {
  try {
    readFunctionEnvironment(kind, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err).toMatchObject({ code: 'ENVIRONMENT_INVALID' });
    return (err as ConfigValidationError).problems;
  }
  throw new Error(`readFunctionEnvironment(${kind}) accepted the environment`);
}

describe('readFunctionEnvironment', () => {
  it('gives the authorizer its settings, with the defaults', () => {
    expect(readFunctionEnvironment('authorizer', AUTHORIZER)).toEqual({
      stage: 'prod', brandTableName: 'brands', revocationsTableName: 'revocations', brandCacheTtlSeconds: 60, jwksCooldownSeconds: 30, routeScopes: {}, allowLoopbackHttp: false,
      dynamodbEndpoint: undefined, serviceName: undefined, metricsNamespace: 'CiamGateway', logLevel: 'INFO',
      awsRegion: 'eu-west-1', awsAccessKeyId: 'ASIAEXAMPLE', awsSecretAccessKey: 'secret', awsSessionToken: 'session',
      revocationCacheTtlSeconds: 10,
    });
  });

  it("requires the runtime's region and credentials of a deployed authorizer, but not in local mode, where DynamoDB Local takes any", () => {
    expect(problemsOf('authorizer', { STAGE: 'prod', BRAND_TABLE_NAME: 'brands', REVOCATIONS_TABLE_NAME: 'revocations' })).toEqual([
      'AWS_REGION is required unless STAGE=local', 'AWS_ACCESS_KEY_ID is required unless STAGE=local', 'AWS_SECRET_ACCESS_KEY is required unless STAGE=local',
    ]);
    expect(readFunctionEnvironment('authorizer', { STAGE: 'local', BRAND_TABLE_NAME: 'brands' })).toMatchObject({ awsRegion: undefined, awsAccessKeyId: undefined });
    // The session token is optional: long-lived keys have none.
    const { AWS_SESSION_TOKEN: _session, ...keys } = LAMBDA_RUNTIME;
    expect(readFunctionEnvironment('authorizer', { STAGE: 'prod', BRAND_TABLE_NAME: 'brands', REVOCATIONS_TABLE_NAME: 'revocations', ...keys }).awsSessionToken).toBeUndefined();
  });

  it('reads every setting of each kind, and only those', () => {
    const everything = {
      ...CUSTOMER, STAGE: 'local', BRAND_CACHE_TTL_SECONDS: '0', JWKS_COOLDOWN_SECONDS: '600', ALLOW_LOOPBACK_HTTP: 'true',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', LOCAL_GATEWAY_URL: 'http://127.0.0.1:3000', ROUTE_SCOPES: '{"local":{"GET /x":["a"]}}',
      POWERTOOLS_SERVICE_NAME: 'svc', POWERTOOLS_METRICS_NAMESPACE: 'Ns', POWERTOOLS_LOG_LEVEL: 'DEBUG', LOCAL_SECRETS_FILE: 'secrets.json',
    };
    const secrets = { localSecretsFile: 'secrets.json', awsRegion: 'eu-west-1', awsAccessKeyId: 'ASIAEXAMPLE', awsSecretAccessKey: 'secret', awsSessionToken: 'session' };
    const powertools = { serviceName: 'svc', metricsNamespace: 'Ns', logLevel: 'DEBUG' };
    const local = { allowLoopbackHttp: true, dynamodbEndpoint: 'http://127.0.0.1:8000' };
    expect(readFunctionEnvironment('basic', everything)).toEqual({ stage: 'local', ...powertools });
    expect(readFunctionEnvironment('authorizer', everything)).toEqual({
      stage: 'local', brandTableName: 'brands', revocationsTableName: 'revocations', brandCacheTtlSeconds: 0, jwksCooldownSeconds: 600, routeScopes: { local: { 'GET /x': ['a'] } },
      ...local, ...powertools, ...secrets,
      revocationCacheTtlSeconds: 10,
    });
    expect(readFunctionEnvironment('customer', everything)).toEqual({
      stage: 'local', brandTableName: 'brands', revocationsTableName: 'revocations', brandCacheTtlSeconds: 0, jwksCooldownSeconds: 600, customersTableName: 'customers', auditTableName: 'audit',
      auditRetentionDays: 30, ...local, ...powertools,
    });
    expect(readFunctionEnvironment('admin', everything)).toEqual({
      stage: 'local', brandTableName: 'brands', revocationsTableName: 'revocations', brandCacheTtlSeconds: 0, auditTableName: 'audit', auditRetentionDays: 30,
      localGatewayUrl: 'http://127.0.0.1:3000', usagePlans: {}, authorizerCacheFlushQueueUrl: undefined, ...local, ...powertools, ...secrets,
    });
  });

  it('names every missing variable of the kind at once, an empty value counting as missing', () => {
    expect(problemsOf('basic', {})).toEqual(['STAGE is required']);
    expect(problemsOf('authorizer', { ...LAMBDA_RUNTIME, STAGE: '', BRAND_TABLE_NAME: '' })).toEqual([
      'STAGE is required', 'BRAND_TABLE_NAME is required', 'REVOCATIONS_TABLE_NAME is required unless STAGE=local',
    ]);
    expect(problemsOf('customer', { STAGE: 'prod' })).toEqual([
      'BRAND_TABLE_NAME is required', 'REVOCATIONS_TABLE_NAME is required unless STAGE=local', 'CUSTOMERS_TABLE_NAME is required', 'AUDIT_TABLE_NAME is required', 'AUDIT_RETENTION_DAYS is required',
    ]);
    expect(problemsOf('admin', { STAGE: 'prod', BRAND_TABLE_NAME: 'b', REVOCATIONS_TABLE_NAME: 'r' })).toEqual([
      'AUDIT_TABLE_NAME is required', 'AUDIT_RETENTION_DAYS is required', 'AUTHORIZER_CACHE_FLUSH_QUEUE_URL is required unless STAGE=local',
      // The onboarding check reads brands' introspection secrets from Secrets Manager with the role's credentials.
      'AWS_REGION is required unless STAGE=local', 'AWS_ACCESS_KEY_ID is required unless STAGE=local', 'AWS_SECRET_ACCESS_KEY is required unless STAGE=local',
    ]);
    expect(problemsOf('cache-flush', { STAGE: 'prod' })).toEqual(['AUTHORIZER_CACHE_FLUSH_QUEUE_URL is required unless STAGE=local']);
  });

  it('requires the follow-up flush queue outside local mode only, where a timer stands in for it', () => {
    const { AUTHORIZER_CACHE_FLUSH_QUEUE_URL: _queue, ...withoutQueue } = ADMIN;
    expect(readFunctionEnvironment('admin', { ...withoutQueue, STAGE: 'local' }).authorizerCacheFlushQueueUrl).toBeUndefined();
    expect(readFunctionEnvironment('admin', ADMIN).authorizerCacheFlushQueueUrl).toBe(QUEUE_URL);
    expect(readFunctionEnvironment('cache-flush', { STAGE: 'prod', AUTHORIZER_CACHE_FLUSH_QUEUE_URL: QUEUE_URL })).toEqual({
      stage: 'prod', authorizerCacheFlushQueueUrl: QUEUE_URL, serviceName: undefined, metricsNamespace: 'CiamGateway', logLevel: 'INFO',
    });
  });

  it('allows loopback http, a DynamoDB endpoint and the local gateway only when STAGE=local', () => {
    const local = { ALLOW_LOOPBACK_HTTP: 'true', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', LOCAL_GATEWAY_URL: 'http://127.0.0.1:3000' };
    expect(problemsOf('admin', { ...ADMIN, ...local })).toEqual([
      'LOCAL_GATEWAY_URL is only allowed when STAGE=local',
      'ALLOW_LOOPBACK_HTTP is only allowed when STAGE=local',
      'DYNAMODB_ENDPOINT is only allowed when STAGE=local',
    ]);
    expect(problemsOf('authorizer', { ...AUTHORIZER, STAGE: 'Local', ALLOW_LOOPBACK_HTTP: 'true' })).toEqual(['ALLOW_LOOPBACK_HTTP is only allowed when STAGE=local']);
    expect(readFunctionEnvironment('admin', { ...ADMIN, ...local, STAGE: 'local' })).toMatchObject({ allowLoopbackHttp: true, localGatewayUrl: 'http://127.0.0.1:3000' });
  });

  it('takes ALLOW_LOOPBACK_HTTP as "true" or absent, nothing else', () => {
    expect(problemsOf('authorizer', { ...AUTHORIZER, STAGE: 'local', ALLOW_LOOPBACK_HTTP: '1' })).toEqual(['ALLOW_LOOPBACK_HTTP must be "true" or absent']);
    expect(problemsOf('authorizer', { ...AUTHORIZER, STAGE: 'local', ALLOW_LOOPBACK_HTTP: 'false' })).toEqual(['ALLOW_LOOPBACK_HTTP must be "true" or absent']);
  });

  it.each([
    ['BRAND_CACHE_TTL_SECONDS', 'abc', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '1.5', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '-1', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '3601', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['BRAND_CACHE_TTL_SECONDS', '1e2', 'BRAND_CACHE_TTL_SECONDS must be an integer from 0 to 3600'],
    ['JWKS_COOLDOWN_SECONDS', '0', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
    ['JWKS_COOLDOWN_SECONDS', '601', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
    ['JWKS_COOLDOWN_SECONDS', '30s', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600'],
  ])('refuses %s=%p', (name, value, problem) => {
    expect(problemsOf('authorizer', { ...AUTHORIZER, [name]: value })).toEqual([problem]);
  });

  it('checks the audit retention of the audited kinds', () => {
    expect(problemsOf('customer', { ...CUSTOMER, AUDIT_RETENTION_DAYS: '0' })).toEqual(['AUDIT_RETENTION_DAYS must be an integer from 1 to 3650']);
    expect(problemsOf('admin', { ...ADMIN, AUDIT_RETENTION_DAYS: '3651' })).toEqual(['AUDIT_RETENTION_DAYS must be an integer from 1 to 3650']);
  });

  it('reports bad values together with missing variables', () => {
    expect(problemsOf('authorizer', { ...LAMBDA_RUNTIME, JWKS_COOLDOWN_SECONDS: 'x' })).toEqual([
      'STAGE is required', 'BRAND_TABLE_NAME is required', 'JWKS_COOLDOWN_SECONDS must be an integer from 1 to 600', 'REVOCATIONS_TABLE_NAME is required unless STAGE=local',
    ]);
  });

  it('reads ROUTE_SCOPES as route scopes by API id, checked once', () => {
    const routeScopes = { abcdef1234: { 'GET /orders/{id}': ['orders:read'], 'ANY /admin': ['admin'] }, other12345: {} };
    expect(readFunctionEnvironment('authorizer', { ...AUTHORIZER, ROUTE_SCOPES: JSON.stringify(routeScopes) }).routeScopes).toEqual(routeScopes);
  });

  it.each([
    ['not JSON', '{"abcdef1234":', ['ROUTE_SCOPES is not JSON']],
    ['a list', '[]', ['ROUTE_SCOPES: route scopes by API must be an object of "<apiId>": { "METHOD /path": [scopes] }']],
    ['a bad API id', '{"abc-1":{}}', ['ROUTE_SCOPES: "abc-1" is not an API id']],
    ['a bad route key', '{"abcdef1234":{"GET orders":[]}}', ['ROUTE_SCOPES: abcdef1234: "GET orders": the path must start with /']],
    ['bad scopes', '{"abcdef1234":{"GET /orders":"orders:read"}}', ['ROUTE_SCOPES: abcdef1234: "GET /orders": scopes must be a list of scope names (RFC 6749 characters, no spaces)']],
  ])('refuses ROUTE_SCOPES holding %s, naming it', (_name, value, problems) => {
    expect(problemsOf('authorizer', { ...AUTHORIZER, ROUTE_SCOPES: value })).toEqual(problems);
  });

  it('ignores the variables of other kinds: one environment can serve every function in local mode', () => {
    expect(readFunctionEnvironment('basic', { STAGE: 'prod', JWKS_COOLDOWN_SECONDS: 'not checked here' })).toMatchObject({ stage: 'prod' });
  });
});

describe('functionEnvironmentVariables', () => {
  it('writes the given settings under their variable names, and the Powertools defaults', () => {
    expect(functionEnvironmentVariables('authorizer', { stage: 'prod', brandTableName: '${Token[TOKEN.1]}', revocationsTableName: 'r', brandCacheTtlSeconds: 60, serviceName: 'ciam-authorizer' })).toEqual({
      STAGE: 'prod', BRAND_TABLE_NAME: '${Token[TOKEN.1]}', REVOCATIONS_TABLE_NAME: 'r', BRAND_CACHE_TTL_SECONDS: '60', POWERTOOLS_SERVICE_NAME: 'ciam-authorizer',
      POWERTOOLS_METRICS_NAMESPACE: 'CiamGateway', POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('writes a flag only when it is set', () => {
    const local = { stage: 'local', brandTableName: 'b' };
    expect(functionEnvironmentVariables('authorizer', { ...local, allowLoopbackHttp: false })).not.toHaveProperty('ALLOW_LOOPBACK_HTTP');
    expect(functionEnvironmentVariables('authorizer', { ...local, allowLoopbackHttp: true })).toMatchObject({ ALLOW_LOOPBACK_HTTP: 'true' });
  });

  it('writes what the reader reads back', () => {
    const values = { stage: 'local', brandTableName: 'b', customersTableName: 'c', auditTableName: 'a', auditRetentionDays: 30, allowLoopbackHttp: true, dynamodbEndpoint: 'http://127.0.0.1:1' };
    expect(readFunctionEnvironment('customer', functionEnvironmentVariables('customer', values))).toEqual({
      ...values, brandCacheTtlSeconds: 60, jwksCooldownSeconds: 30, serviceName: undefined, metricsNamespace: 'CiamGateway', logLevel: 'INFO',
    });
  });

  it('writes route scopes as the JSON the function reads back, and names their variable for a deferred writer', () => {
    const routeScopes = { abcdef1234: { 'GET /orders/{id}': ['orders:read'] } };
    const variables = functionEnvironmentVariables('authorizer', { stage: 'prod', brandTableName: 'b', revocationsTableName: 'r', routeScopes });
    expect(variables).toMatchObject({ ROUTE_SCOPES: JSON.stringify(routeScopes) });
    expect(readFunctionEnvironment('authorizer', { ...variables, ...LAMBDA_RUNTIME }).routeScopes).toEqual(routeScopes);
    expect(environmentVariableName('routeScopes')).toBe('ROUTE_SCOPES');
    expect(() => functionEnvironmentVariables('authorizer', { stage: 'prod', brandTableName: 'b', revocationsTableName: 'r', routeScopes: { abcdef1234: { 'GET x': [] } } })).toThrow(
      new ConfigValidationError('ENVIRONMENT_INVALID', ['ROUTE_SCOPES: abcdef1234: "GET x": the path must start with /']),
    );
  });

  it('refuses values the function would refuse, naming each', () => {
    expect(() => functionEnvironmentVariables('admin', { stage: 'prod', brandTableName: 'b', revocationsTableName: 'r', auditTableName: 'a', auditRetentionDays: 0, localGatewayUrl: 'http://x', authorizerCacheFlushQueueUrl: QUEUE_URL })).toThrow(
      new ConfigValidationError('ENVIRONMENT_INVALID', ['AUDIT_RETENTION_DAYS must be an integer from 1 to 3650', 'LOCAL_GATEWAY_URL is only allowed when STAGE=local']),
    );
  });
});
