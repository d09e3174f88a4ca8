import 'aws-cdk-lib/testhelpers/jest-autoclean';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { resolveStageConfig } from '../../lib/stage-config';
import { TABLES } from '../../lib/table-definitions';
import { gatewayStack } from './infra-test-support';

describe('resolveStageConfig', () => {
  test('dev: short caches, 30 days of audit, two weeks of logs, destroyable', () => {
    expect(resolveStageConfig('dev')).toEqual({
      stage: 'dev',
      authorizerResultsCacheTtlSeconds: 5,
      brandConfigCacheTtlSeconds: 30,
      auditRetentionDays: 30,
      logRetentionDays: RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
      pointInTimeRecovery: true,
      tracing: true,
      quotaTiers: DEFAULT_QUOTA_TIERS,
    });
  });

  test('prod: a longer brand cache, 400 days of audit, a year of logs, retained', () => {
    expect(resolveStageConfig('prod')).toEqual({
      stage: 'prod',
      authorizerResultsCacheTtlSeconds: 5,
      brandConfigCacheTtlSeconds: 60,
      auditRetentionDays: 400,
      logRetentionDays: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      tracing: true,
      quotaTiers: DEFAULT_QUOTA_TIERS,
      authorizerReservedConcurrency: 100,
    });
  });

  test('another valid name gets the dev settings under its own name', () => {
    expect(resolveStageConfig('feature-42')).toEqual({ ...resolveStageConfig('dev'), stage: 'feature-42' });
  });

  test('another valid name keeps audit records 30 days, like dev', () => {
    expect(resolveStageConfig('feature-42').auditRetentionDays).toBe(30);
  });

  test('is frozen', () => {
    expect(Object.isFrozen(resolveStageConfig('dev'))).toBe(true);
  });

  test.each(['', 'a', 'Prod', '1dev', 'dev_1', 'dev stage', 'x'.repeat(22)])('rejects the invalid name %j', (name) => {
    expect(() => resolveStageConfig(name)).toThrow(`Invalid stage name ${JSON.stringify(name)}`);
  });

  test('rejects local, which is the emulator and never deploys', () => {
    expect(() => resolveStageConfig('local')).toThrow('Stage "local" is reserved for the local emulator');
  });
});

/**
 * The functions given the audit retention: the customer handlers (me, link-customer, register-customer,
 * change-identifier, logout, backchannel-logout) and admin-brands.
 */
const AUDITED_HANDLER_COUNT = 7;

describe('prod stack', () => {
  const template = Template.fromStack(gatewayStack('prod'));

  test('retains every table', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));
    expect(tables.map((t) => [t.DeletionPolicy, t.UpdateReplacePolicy])).toEqual(Array(TABLES.length).fill(['Retain', 'Retain']));
  });

  test('customer and admin functions keep audit records 400 days', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const retention = functions.map((f) => f.Properties.Environment.Variables.AUDIT_RETENTION_DAYS).filter((days) => days !== undefined);
    expect(retention).toEqual(Array(AUDITED_HANDLER_COUNT).fill('400'));
  });

  test('caches authorizer decisions 5 s (the revocation budget) and brands 60 s', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 5 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'ciam-authorizer', STAGE: 'prod', BRAND_CACHE_TTL_SECONDS: '60' } },
    });
  });

  test('keeps every log group a year', () => {
    const retentions = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays);
    expect(new Set(retentions)).toEqual(new Set([365]));
  });
});
