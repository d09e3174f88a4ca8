import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { brandSecretPrefix, parseBrandConfig, type BrandConfig } from '../../lambdas/core/brand-config';
import { IntrospectionServer } from '../support/introspection-server';
import { freshInstance } from './junk-flood';

/**
 * `introspectionCallsPerWarmDecision` and `introspectionCallsFor100Concurrent` (shared/BENCH.md): what opaque tokens
 * cost the brand's CIAM. A fresh instance of the shipped asset gets 100 concurrent first uses of one new opaque token,
 * then 1,000 decisions for it, against an introspection endpoint on 127.0.0.1 that counts its calls; the client secret
 * comes from a local secrets file, as in local mode.
 */
const CONCURRENT = 100;
const WARM_DECISIONS = 1000;
const BRAND_ID = 'bench-opaque';
const TOKEN = 'bench-opaque-access-token-0123456789abcdef';

export interface IntrospectionSubject {
  readonly asset: string;
  /** The asset's environment (STAGE=local, DynamoDB Local); the secrets file is added here. */
  readonly environment: Readonly<Record<string, string>>;
  /** A scratch directory for the secrets file. */
  readonly scratch: string;
  readonly issuer: string;
  readonly jwksUri: string;
  /** Stores a brand in the asset's brand table. */
  readonly storeBrand: (config: BrandConfig) => Promise<unknown>;
  readonly event: (token: string, brandId: string) => APIGatewayRequestAuthorizerEvent;
}

export async function measureIntrospectionCalls(subject: IntrospectionSubject): Promise<{ introspectionCallsPerWarmDecision: number; introspectionCallsFor100Concurrent: number }> {
  const secretRef = `${brandSecretPrefix('local', BRAND_ID)}introspection`;
  const server = await IntrospectionServer.start('bench-gateway', 'bench-secret');
  const saved = { ...process.env };
  try {
    const secretsFile = join(subject.scratch, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ [secretRef]: 'bench-secret' }));
    const now = Math.floor(Date.now() / 1000);
    server.answers.set(TOKEN, { sub: 'bench-user', client_id: 'client', scope: 'openid', iss: subject.issuer, iat: now, exp: now + 3600 });
    await subject.storeBrand(parseBrandConfig({
      brandId: BRAND_ID, displayName: 'Bench, opaque', provider: 'generic-oidc', issuer: subject.issuer, jwksUri: subject.jwksUri,
      applicationId: 'app', clientId: 'client', audiences: ['loyalty-api'], tokenFormat: 'opaque',
      introspection: { endpoint: server.endpoint, clientId: 'bench-gateway', clientSecretRef: secretRef },
      // The run is short: only a miss, never expiry, could make a warm decision ask again.
      introspectionCacheTtlSeconds: 3600,
    }, { allowLoopbackHttp: true }));
    Object.assign(process.env, subject.environment, { LOCAL_SECRETS_FILE: secretsFile });
    const handler = freshInstance(subject.asset);
    const event = subject.event(TOKEN, BRAND_ID);

    const first = await Promise.all(Array.from({ length: CONCURRENT }, () => handler(event)));
    if (first.some((decision) => decision.principalId !== `${BRAND_ID}|bench-user`)) throw new Error('an opaque token was not allowed');
    const introspectionCallsFor100Concurrent = server.calls.length;
    for (let i = 0; i < WARM_DECISIONS; i += 1) await handler(event);
    return { introspectionCallsPerWarmDecision: (server.calls.length - introspectionCallsFor100Concurrent) / WARM_DECISIONS, introspectionCallsFor100Concurrent };
  } finally {
    process.env = saved;
    await server.stop();
  }
}
