import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { brandSecretPrefix } from '../../lambdas/core/brand-config';
import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { DEFAULT_QUOTA_TIERS } from '../../lambdas/core/quota-tiers';
import { makeKey, signToken, type TestKey } from '../support/tokens';

/** The highest limits a tier may have (quota-tiers.ts). */
const UNTHROTTLED_TIER = { rateLimit: 10_000, burstLimit: 5_000, dailyQuota: 1_000_000_000 } as const;

/**
 * What the load test runs against: local mode with many brands, each with its own issuer and JWKS on one loopback
 * server that can be told to fail or to be slow per brand, and many distinct tokens per brand, signed with jose.
 */
export type JwksMode = 'up' | 'down' | 'slow';

/** How the opaque-token brand's introspection endpoint answers: as it should, or 500 to everything. */
export type IntrospectionMode = 'up' | 'error';

/** The brand whose access tokens are opaque, introspected at the same loopback server. */
export const OPAQUE_BRAND_ID = 'load-opaque';

/** How long a slow JWKS endpoint takes to answer: more than the fetcher's time limit. */
export const SLOW_JWKS_MS = 5000;

export interface LoadWorldOptions {
  readonly brands: number;
  readonly usersPerBrand: number;
  /** Subjects revoked at the gateway per brand (their tokens must be refused). */
  readonly revokedPerBrand: number;
  readonly local?: Partial<LocalModeOptions>;
}

export interface LoadBrand {
  readonly brandId: string;
  readonly key: TestKey;
  readonly issuer: string;
  /** Access tokens of the brand's users, one each; the first `revokedPerBrand` users' are revoked. */
  readonly tokens: readonly string[];
  readonly idTokens: readonly string[];
}

/** The opaque-token brand: its users' tokens, which its introspection endpoint knows, and a way to mint new ones. */
export interface OpaqueBrand {
  readonly brandId: string;
  readonly tokens: readonly string[];
  /** A token the endpoint knows, never sent before: its first use must be introspected. */
  newToken(): string;
  setIntrospectionMode(mode: IntrospectionMode): void;
}

export interface LoadWorld {
  readonly local: LocalMode;
  readonly brands: readonly LoadBrand[];
  readonly opaque: OpaqueBrand;
  readonly revokedPerBrand: number;
  setJwksMode(brandId: string, mode: JwksMode): void;
  /** Takes DynamoDB Local away from the functions (every connection reset) or gives it back; its data stays. */
  setDynamoDbReachable(reachable: boolean): void;
  stop(): Promise<void>;
}

export const AUDIENCE = 'loyalty-api';
const CLIENT_ID = 'load-app';

export async function startLoadWorld(options: LoadWorldOptions): Promise<LoadWorld> {
  const modes = new Map<string, JwksMode>();
  const keys = new Map<string, TestKey>();
  const introspection = { mode: 'up' as IntrospectionMode, known: new Map<string, string>() };
  const jwks = await startJwksServer(keys, modes, introspection);
  let proxy: DynamoDbProxy | undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'ciam-load-'));
  const brandIds = Array.from({ length: options.brands }, (_, i) => `load-${String(i + 1).padStart(3, '0')}`);
  for (const brandId of brandIds) keys.set(brandId, await makeKey(`${brandId}-k1`));
  const issuerOf = (brandId: string) => `${jwks.origin}/b/${brandId}`;
  const brandsFile = path.join(dir, 'brands.json');
  const secretsFile = path.join(dir, 'secrets.json');
  const secretRef = `${brandSecretPrefix('local', OPAQUE_BRAND_ID)}introspection`;
  const brandConfig = (brandId: string) => ({
    brandId,
    displayName: `Load ${brandId}`,
    provider: 'generic-oidc',
    issuer: issuerOf(brandId),
    jwksUri: `${issuerOf(brandId)}/jwks`,
    applicationId: CLIENT_ID,
    clientId: CLIENT_ID,
    audiences: [AUDIENCE],
  });
  const opaqueConfig = {
    ...brandConfig(OPAQUE_BRAND_ID),
    tokenFormat: 'opaque',
    introspection: { endpoint: `${issuerOf(OPAQUE_BRAND_ID)}/introspect`, clientId: GATEWAY_CLIENT_ID, clientSecretRef: secretRef },
  };
  await writeFile(brandsFile, JSON.stringify([...brandIds.map(brandConfig), opaqueConfig]));
  await writeFile(secretsFile, JSON.stringify({ [secretRef]: GATEWAY_CLIENT_SECRET }));
  let minted = 0;
  const mintOpaque = () => {
    const token = randomBytes(24).toString('base64url');
    introspection.known.set(token, `opaque-user-${(minted += 1)}`);
    return token;
  };
  const opaqueTokens = Array.from({ length: options.usersPerBrand }, mintOpaque);
  let local: LocalMode | undefined;
  try {
    local = await startLocalMode({
      ...readLocalSettings({ PORT: '0', CIAM_PORT: '0' }),
      brandsFile,
      secretsFile,
      // The load measures the gateway and its dependencies, not the quotas (test/e2e/brand-quotas.test.ts does): its
      // brands' tier takes what the load drives, where the default tier would throttle them at 50 requests a second.
      tierLimits: { ...DEFAULT_QUOTA_TIERS, standard: UNTHROTTLED_TIER },
      functionsDynamoDbEndpoint: async (endpoint) => {
        proxy = await startDynamoDbProxy(new URL(endpoint));
        return proxy.endpoint;
      },
      ...options.local,
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const brands: LoadBrand[] = [];
    for (const brandId of brandIds) {
      const key = keys.get(brandId) as TestKey;
      const issuer = issuerOf(brandId);
      const tokens: string[] = [];
      const idTokens: string[] = [];
      for (let user = 0; user < options.usersPerBrand; user += 1) {
        const sub = `user-${user}`;
        // Issued a little in the past, so a revocation made now covers the revoked users' tokens.
        const common = { iss: issuer, sub, iat: nowSeconds - 10, exp: nowSeconds + 3600 };
        tokens.push(await signToken(key, { ...common, aud: AUDIENCE, scope: 'openid profile email' }));
        idTokens.push(
          await signToken(key, { ...common, aud: CLIENT_ID, given_name: 'Load', family_name: `User ${user}`, email: `${sub}@${brandId}.example`, email_verified: true }, { typ: 'JWT' }),
        );
      }
      brands.push({ brandId, key, issuer, tokens, idTokens });
    }
    for (const brand of brands) {
      for (let user = 0; user < options.revokedPerBrand; user += 1) await revoke(local, brand.brandId, `user-${user}`);
    }
    const running = local;
    return {
      local: running,
      brands,
      opaque: { brandId: OPAQUE_BRAND_ID, tokens: opaqueTokens, newToken: mintOpaque, setIntrospectionMode: (mode) => (introspection.mode = mode) },
      revokedPerBrand: options.revokedPerBrand,
      setJwksMode: (brandId, mode) => modes.set(brandId, mode),
      setDynamoDbReachable: (reachable) => proxy?.setReachable(reachable),
      stop: async () => {
        await running.stop();
        await proxy?.close();
        await jwks.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await local?.stop();
    await proxy?.close();
    await jwks.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function revoke(local: LocalMode, brandId: string, sub: string): Promise<void> {
  const response = await fetch(`${local.gatewayUrl}/v1/admin/brands/${brandId}/revocations`, {
    method: 'POST',
    headers: { 'x-admin-key': readLocalSettings({}).adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ sub }),
  });
  if (response.status !== 200 && response.status !== 201) throw new Error(`revoking ${sub} of ${brandId}: ${response.status} ${await response.text()}`);
}

/**
 * `/b/<brandId>/jwks` for every brand, each answering as its mode says, and the opaque brand's RFC 7662 endpoint,
 * `/b/load-opaque/introspect`, which knows the tokens `introspection.known` maps to their subjects.
 */
async function startJwksServer(
  keys: ReadonlyMap<string, TestKey>,
  modes: ReadonlyMap<string, JwksMode>,
  introspection: { readonly mode: IntrospectionMode; readonly known: ReadonlyMap<string, string> },
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === `/b/${OPAQUE_BRAND_ID}/introspect`) {
      void introspect(req, introspection).then(
        (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const brandId = /^\/b\/([^/]+)\/jwks$/.exec(req.url ?? '')?.[1];
    const key = brandId === undefined ? undefined : keys.get(brandId);
    if (!brandId || !key) {
      res.writeHead(404).end();
      return;
    }
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
    const mode = modes.get(brandId) ?? 'up';
    if (mode === 'down') res.socket?.destroy();
    else if (mode === 'slow') setTimeout(answer, SLOW_JWKS_MS).unref();
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The gateway's own client at the opaque brand's CIAM, and its secret (local mode reads it from the secrets file). */
const GATEWAY_CLIENT_ID = 'load-gateway';
const GATEWAY_CLIENT_SECRET = 'load-gateway-secret';

/** An introspection answer for the form's `token`, after client_secret_basic; throws (a 500) in mode `error`. */
async function introspect(req: IncomingMessage, state: { readonly mode: IntrospectionMode; readonly known: ReadonlyMap<string, string> }): Promise<object> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (state.mode === 'error') throw new Error('introspection down');
  const basic = `Basic ${Buffer.from(`${GATEWAY_CLIENT_ID}:${GATEWAY_CLIENT_SECRET}`).toString('base64')}`;
  if (req.headers.authorization !== basic) throw new Error('client refused');
  const sub = state.known.get(new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('token') ?? '');
  if (sub === undefined) return { active: false };
  const now = Math.floor(Date.now() / 1000);
  return { active: true, sub, client_id: CLIENT_ID, scope: 'openid profile email', iat: now - 10, exp: now + 3600 };
}

interface DynamoDbProxy {
  readonly endpoint: string;
  setReachable(reachable: boolean): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of DynamoDB Local. Unreachable, it resets every connection, open or new, as a stopped
 * process's port would refuse them; DynamoDB Local itself keeps running, so nothing stored is lost (it keeps its
 * tables in memory, and a real restart would empty them).
 */
async function startDynamoDbProxy(target: URL): Promise<DynamoDbProxy> {
  let reachable = true;
  const open = new Set<Socket>();
  const server = createTcpServer((client) => {
    if (!reachable) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setReachable: (value) => {
      reachable = value;
      if (!value) for (const socket of open) socket.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
