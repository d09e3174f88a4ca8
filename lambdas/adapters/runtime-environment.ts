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

/** Routes that write audit records (the customer routes, the admin API) also need the audit table. */
export interface AuditedEnvironment extends RuntimeEnvironment {
  readonly auditTableName: string;
  readonly auditRetentionDays: number;
}

/** The customer routes' environment: the audited one, plus the customers table. */
export interface CustomerEnvironment extends AuditedEnvironment {
  readonly customersTableName: string;
}

/** The admin API's environment: the audited one, plus where to flush the authorizer result cache. */
export interface AdminEnvironment extends AuditedEnvironment {
  /** AWS: the REST API whose stage cache FlushStageAuthorizersCache empties. */
  readonly restApiId: string | undefined;
  /** Local mode: the emulator that plays API Gateway. */
  readonly localGatewayUrl: string | undefined;
}

export function readAdminEnvironment(env: NodeJS.ProcessEnv): AdminEnvironment {
  return withBase(env, (problems) => {
    if (env.LOCAL_GATEWAY_URL && env.STAGE !== 'local') problems.push('LOCAL_GATEWAY_URL is only allowed when STAGE=local');
    return { ...auditSettings(env, problems), restApiId: env.REST_API_ID || undefined, localGatewayUrl: env.LOCAL_GATEWAY_URL || undefined };
  });
}

export function readAuditedEnvironment(env: NodeJS.ProcessEnv): AuditedEnvironment {
  return withBase(env, (problems) => auditSettings(env, problems));
}

export function readCustomerEnvironment(env: NodeJS.ProcessEnv): CustomerEnvironment {
  return withBase(env, (problems) => {
    if (!env.CUSTOMERS_TABLE_NAME) problems.push('CUSTOMERS_TABLE_NAME is required');
    return { ...auditSettings(env, problems), customersTableName: env.CUSTOMERS_TABLE_NAME ?? '' };
  });
}

function auditSettings(env: NodeJS.ProcessEnv, problems: string[]): Pick<AuditedEnvironment, 'auditTableName' | 'auditRetentionDays'> {
  const retention = Number(env.AUDIT_RETENTION_DAYS ?? '');
  if (!env.AUDIT_TABLE_NAME) problems.push('AUDIT_TABLE_NAME is required');
  if (!Number.isInteger(retention) || retention < 1 || retention > 3650) problems.push('AUDIT_RETENTION_DAYS must be an integer from 1 to 3650');
  return { auditTableName: env.AUDIT_TABLE_NAME ?? '', auditRetentionDays: retention };
}

/** Reads the common environment and the extra part together, so that every problem is named at once. */
function withBase<T>(env: NodeJS.ProcessEnv, readExtra: (problems: string[]) => T): RuntimeEnvironment & T {
  const problems: string[] = [];
  let base: RuntimeEnvironment | undefined;
  try {
    base = readRuntimeEnvironment(env);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    problems.push(...err.problems);
  }
  const extra = readExtra(problems);
  if (problems.length > 0 || !base) throw new ConfigValidationError('ENVIRONMENT_INVALID', problems);
  return { ...base, ...extra };
}
