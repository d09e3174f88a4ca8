import { ConfigValidationError } from '../core/errors';

/** The Lambda environment, read once at cold start and checked: a bad deployment fails loudly, not per request. */
export interface RuntimeEnvironment {
  readonly stage: string;
  readonly brandTableName: string;
  readonly brandCacheTtlSeconds: number;
  readonly jwksCooldownSeconds: number;
  /** Local mode only: brand URIs may be http://127.0.0.1. */
  readonly allowLoopbackHttp: boolean;
  /** Local mode only: DynamoDB Local's URL. */
  readonly dynamodbEndpoint: string | undefined;
}

export function readRuntimeEnvironment(env: NodeJS.ProcessEnv): RuntimeEnvironment {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  const stage = required('STAGE');
  const local = stage === 'local';
  const allowLoopbackHttp = env.ALLOW_LOOPBACK_HTTP === 'true';
  if (allowLoopbackHttp && !local) problems.push('ALLOW_LOOPBACK_HTTP is only allowed when STAGE=local');
  if (env.DYNAMODB_ENDPOINT && !local) problems.push('DYNAMODB_ENDPOINT is only allowed when STAGE=local');
  const environment: RuntimeEnvironment = {
    stage,
    brandTableName: required('BRAND_TABLE_NAME'),
    brandCacheTtlSeconds: seconds('BRAND_CACHE_TTL_SECONDS', 60, 0, 3600),
    jwksCooldownSeconds: seconds('JWKS_COOLDOWN_SECONDS', 30, 1, 600),
    allowLoopbackHttp,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
  };
  if (problems.length > 0) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return environment;
}

/** The customer routes' environment: the authorizer's, plus the customers and audit tables. */
export interface CustomerEnvironment extends RuntimeEnvironment {
  readonly customersTableName: string;
  readonly auditTableName: string;
  readonly auditRetentionDays: number;
}

export function readCustomerEnvironment(env: NodeJS.ProcessEnv): CustomerEnvironment {
  const problems: string[] = [];
  let base: RuntimeEnvironment | undefined;
  try {
    base = readRuntimeEnvironment(env);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    problems.push(...err.problems);
  }
  const retention = Number(env.AUDIT_RETENTION_DAYS ?? '');
  if (!env.CUSTOMERS_TABLE_NAME) problems.push('CUSTOMERS_TABLE_NAME is required');
  if (!env.AUDIT_TABLE_NAME) problems.push('AUDIT_TABLE_NAME is required');
  if (!Number.isInteger(retention) || retention < 1 || retention > 3650) problems.push('AUDIT_RETENTION_DAYS must be an integer from 1 to 3650');
  if (problems.length > 0 || !base) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return { ...base, customersTableName: env.CUSTOMERS_TABLE_NAME ?? '', auditTableName: env.AUDIT_TABLE_NAME ?? '', auditRetentionDays: retention };
}
