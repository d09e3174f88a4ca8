/**
 * Shared in-memory fakes for the unit suites: a frozen clock, a valid brand, a key resolver and a JWKS source
 * that count their calls. No I/O anywhere.
 */
import type { KeyObject } from 'node:crypto';
import { parseBrandConfig, type Algorithm, type BrandConfig } from '../../lambdas/core/brand-config';
import { TokenError } from '../../lambdas/core/errors';
import type { KeyResolver } from '../../lambdas/core/verify-token';
import { standardClaims } from '../support/tokens';

/** 2023-11-14T22:13:20Z, in epoch seconds: every token below is dated from here, never from the real clock. */
export const NOW = 1_700_000_000;

/** A clock the test moves by hand. `now()` is epoch milliseconds, as the core expects. */
export function fakeClock(startMs = NOW * 1000): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = startMs;
  return { now: () => t, advance: (ms) => { t += ms; }, set: (ms) => { t = ms; } };
}

export const ISSUER = 'https://login.brand-a.example/';
export const JWKS_URI = 'https://login.brand-a.example/.well-known/jwks.json';

/** The smallest config parseBrandConfig accepts: every optional field left to its default. */
export function minimalBrandInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    brandId: 'brand-a',
    displayName: 'Brand A',
    provider: 'generic-oidc',
    issuer: ISSUER,
    jwksUri: JWKS_URI,
    userinfoEndpoint: 'https://login.brand-a.example/userinfo',
    applicationId: 'app-a',
    clientId: 'client-a',
    audiences: ['loyalty-api'],
    ...overrides,
  };
}

export function brand(overrides: Record<string, unknown> = {}): BrandConfig {
  return parseBrandConfig(minimalBrandInput(overrides), { allowLoopbackHttp: false });
}

/** Claims dated from NOW, for the brand above. */
export function claimsAt(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return standardClaims({ iss: ISSUER, iat: NOW, exp: NOW + 300, ...overrides }) as Record<string, unknown>;
}

export interface FakeResolver {
  readonly resolveKey: KeyResolver;
  readonly calls: { jwksUri: string; kid: string | undefined; alg: Algorithm }[];
}

/** An in-memory key resolver: kid → key, KEY_NOT_FOUND otherwise. */
export function fakeResolver(keys: Readonly<Record<string, KeyObject>>): FakeResolver {
  const calls: FakeResolver['calls'] = [];
  return {
    calls,
    resolveKey: async (jwksUri, kid, alg) => {
      calls.push({ jwksUri, kid, alg });
      const key = kid === undefined ? undefined : keys[kid];
      if (!key) throw new TokenError('KEY_NOT_FOUND', `no key ${String(kid)}`);
      return key;
    },
  };
}

/** A JWKS endpoint in memory: answers `document`, or fails, and counts every call. */
export interface FakeJwksSource {
  readonly fetchJwks: (jwksUri: string) => Promise<unknown>;
  readonly calls: string[];
  document: unknown;
  failWith: unknown;
  /** When set, every fetch waits until `release()` is called. */
  hold(): void;
  release(): void;
}

export function fakeJwksSource(document: unknown): FakeJwksSource {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const source: FakeJwksSource = {
    calls: [],
    document,
    failWith: undefined,
    fetchJwks: async (jwksUri) => {
      source.calls.push(jwksUri);
      if (gate) await gate;
      if (source.failWith !== undefined) throw source.failWith;
      return structuredClone(source.document);
    },
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      open?.();
      gate = undefined;
    },
  };
  return source;
}

/** Resolves once every pending promise callback has run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
