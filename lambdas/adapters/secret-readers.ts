import { readFile } from 'node:fs';
import { UpstreamError } from '../core/errors';
import { cachedBrandSecrets, type BrandSecrets, type SecretReader } from './brand-secrets';
import type { FunctionEnvironment } from './function-environment';
import { LeanAwsJsonClient, type LeanAwsOptions } from './lean-aws-json';

/**
 * Where the brands' client secrets are read: AWS Secrets Manager (`GetSecretValue`, signed like the authorizer's
 * DynamoDB reads, without the SDK), or in local mode a JSON file `{ "<clientSecretRef>": "<secret>" }`. Messages
 * name the reference, never the value.
 */
export function secretsManagerReader(options: LeanAwsOptions): SecretReader {
  const client = new LeanAwsJsonClient(options, { service: 'secretsmanager', targetPrefix: 'secretsmanager', jsonVersion: '1.1' });
  return async (ref) => {
    let answer: { SecretString?: unknown } | undefined;
    try {
      answer = (await client.call('GetSecretValue', { SecretId: ref })) as typeof answer;
    } catch (err) {
      throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: ${(err as Error).name}`, { cause: err });
    }
    if (typeof answer?.SecretString !== 'string' || answer.SecretString === '') throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: no SecretString`);
    return answer.SecretString;
  };
}

/** Local mode's secrets file, read again at each read (the cache in front of it reads at most every five minutes). */
export function localSecretsFileReader(path: string | undefined): SecretReader {
  return async (ref) => {
    if (path === undefined) throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: no LOCAL_SECRETS_FILE in local mode`);
    let secrets: unknown;
    try {
      secrets = JSON.parse(await readText(path));
    } catch (err) {
      throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: LOCAL_SECRETS_FILE is not a readable JSON object`, { cause: err });
    }
    const value = typeof secrets === 'object' && secrets !== null && Object.prototype.hasOwnProperty.call(secrets, ref) ? (secrets as Record<string, unknown>)[ref] : undefined;
    if (typeof value !== 'string' || value === '') throw new UpstreamError('SECRET_UNAVAILABLE', `secret ${ref}: not in LOCAL_SECRETS_FILE`);
    return value;
  };
}

type SecretReaderEnvironment = Pick<FunctionEnvironment<'authorizer'>, 'stage' | 'localSecretsFile' | 'awsRegion' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken'>;

/** The brands' secrets as a function reads them: local mode's file with STAGE=local, else Secrets Manager with the role's credentials. */
export function brandSecretsFor(env: SecretReaderEnvironment, now?: () => number): BrandSecrets {
  const read = env.stage === 'local' ? localSecretsFileReader(env.localSecretsFile) : secretsManagerReader(roleAccess(env));
  return cachedBrandSecrets({ read, stage: env.stage, now });
}

/** The region and role credentials Lambda sets for every function. */
export function roleAccess(env: Omit<SecretReaderEnvironment, 'stage' | 'localSecretsFile'>): LeanAwsOptions {
  return {
    region: env.awsRegion ?? '',
    credentials: { accessKeyId: env.awsAccessKeyId ?? '', secretAccessKey: env.awsSecretAccessKey ?? '', sessionToken: env.awsSessionToken },
  };
}

/**
 * node:fs's callback API, which Node has loaded before any module runs: node:fs/promises (and the streams it pulls in)
 * would cost every cold start of the authorizer about 2 ms of CPU.
 */
function readText(path: string): Promise<string> {
  return new Promise((resolve, reject) => readFile(path, 'utf8', (err, text) => (err ? reject(err) : resolve(text))));
}
