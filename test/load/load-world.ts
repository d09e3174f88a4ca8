import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../lib/local/local-mode';
import { readLocalSettings } from '../../lib/local/local-settings';
import { makeKey, signToken, type TestKey } from '../support/tokens';

/**
 * What the load test runs against: local mode with many brands, each with its own issuer and JWKS on one loopback
 * server that can be told to fail or to be slow per brand, and many distinct tokens per brand, signed with jose.
 */
export type JwksMode = 'up' | 'down' | 'slow';

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

export interface LoadWorld {
  readonly local: LocalMode;
  readonly brands: readonly LoadBrand[];
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
  const jwks = await startJwksServer(keys, modes);
  let proxy: DynamoDbProxy | undefined;
  const dir = await mkdtemp(path.join(tmpdir(), 'ciam-load-'));
  const brandIds = Array.from({ length: options.brands }, (_, i) => `load-${String(i + 1).padStart(3, '0')}`);
  for (const brandId of brandIds) keys.set(brandId, await makeKey(`${brandId}-k1`));
  const issuerOf = (brandId: string) => `${jwks.origin}/b/${brandId}`;
  const brandsFile = path.join(dir, 'brands.json');
  await writeFile(
    brandsFile,
    JSON.stringify(
      brandIds.map((brandId) => ({
        brandId,
        displayName: `Load ${brandId}`,
        provider: 'generic-oidc',
        issuer: issuerOf(brandId),
        jwksUri: `${issuerOf(brandId)}/jwks`,
        applicationId: CLIENT_ID,
        clientId: CLIENT_ID,
        audiences: [AUDIENCE],
      })),
    ),
  );
  let local: LocalMode | undefined;
  try {
    local = await startLocalMode({
      ...readLocalSettings({ PORT: '0', CIAM_PORT: '0' }),
      brandsFile,
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

/** `/b/<brandId>/jwks` for every brand, each answering as its mode says. */
async function startJwksServer(keys: ReadonlyMap<string, TestKey>, modes: ReadonlyMap<string, JwksMode>): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
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
