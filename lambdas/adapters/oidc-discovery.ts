/**
 * OpenID Connect Discovery for a brand: fetch the provider's metadata through the bounded fetcher and keep only what
 * a brand config needs. The document is brand-controlled, so it may only describe its own issuer: the configured one
 * exactly (OIDC Discovery 1.0 §4.3), or, when only a discovery URL is configured, one on that URL's origin.
 *
 * Transport failures (redirect, size, time, status, not JSON) reject with the fetcher's UpstreamError unchanged; a
 * document that is unusable or vouches for another issuer rejects with ConfigValidationError BRAND_CONFIG_INVALID.
 */
import { ALGORITHMS, parseBrandConfig, type Algorithm, type BrandConfig } from '../core/brand-config';
import { ConfigValidationError } from '../core/errors';
import { fieldsToDiscover, type BrandConfigDraft } from '../core/provider-presets';
import type { UriPolicy } from '../core/uri-policy';
import type { JsonFetcher } from './bounded-fetch';

export interface DiscoveredProvider {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint?: string;
  readonly endSessionEndpoint?: string;
  /** `id_token_signing_alg_values_supported` narrowed to the algorithms BrandConfig allows; absent when none remain. */
  readonly algorithms?: readonly Algorithm[];
  readonly tokenEndpoint?: string;
}

export interface DiscoveryTarget {
  readonly issuer?: string;
  readonly discoveryUrl?: string;
}

/**
 * OIDC Discovery §4.1: the well-known path goes after the whole issuer, path included. (RFC 8414 inserts its own
 * well-known name before the path, but keeps this form for openid-configuration, §5.)
 */
export function discoveryUrlFor(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

export async function discoverProvider(fetcher: JsonFetcher, target: DiscoveryTarget): Promise<DiscoveredProvider> {
  const url = discoveryUrlOf(target);
  const { body } = await fetcher.getJson(url);
  const discovered = readDocument(body, url);
  if (target.issuer !== undefined) {
    if (discovered.issuer !== target.issuer) throw issuerMismatch(discovered.issuer, target.issuer);
  } else if (originOf(discovered.issuer) !== originOf(url)) {
    throw invalid(`issuer: discovery at ${originOf(url)} names ${quote(discovered.issuer)}, on another origin`);
  }
  return discovered;
}

/**
 * Fills the draft's issuer, jwksUri, userinfoEndpoint and endSessionEndpoint where it has none. Values the draft already has are kept
 * as they are, except an issuer other than the discovered one, which is the discovery-mismatch case and rejected.
 */
export function applyDiscovery(draft: BrandConfigDraft, discovered: DiscoveredProvider): BrandConfigDraft {
  if (draft.issuer !== undefined && draft.issuer !== discovered.issuer) throw issuerMismatch(discovered.issuer, draft.issuer);
  const userinfoEndpoint = draft.userinfoEndpoint ?? discovered.userinfoEndpoint;
  const endSessionEndpoint = draft.endSessionEndpoint ?? discovered.endSessionEndpoint;
  return {
    ...draft,
    issuer: discovered.issuer,
    jwksUri: draft.jwksUri ?? discovered.jwksUri,
    ...(userinfoEndpoint === undefined ? {} : { userinfoEndpoint }),
    ...(endSessionEndpoint === undefined ? {} : { endSessionEndpoint }),
  };
}

/**
 * Validates a brand config as the admin API receives it, filling issuer, JWKS URI and userinfo endpoint from OIDC
 * discovery where it leaves them out. Everything else is checked first, so a bad config is refused with every
 * problem before any fetch.
 */
export async function completeBrandConfig(body: Record<string, unknown>, fetcher: JsonFetcher, uriPolicy: UriPolicy): Promise<BrandConfig> {
  const draft = body as unknown as BrandConfigDraft;
  const missing = fieldsToDiscover(draft);
  if (missing.length === 0 && draft.discoveryUrl === undefined) return parseBrandConfig(body, uriPolicy);
  const placeholders = Object.fromEntries(missing.map((field) => [field, 'https://discovered.example/']));
  parseBrandConfig({ ...placeholders, ...body }, uriPolicy);
  const target = { ...(draft.issuer === undefined ? {} : { issuer: draft.issuer }), ...(draft.discoveryUrl === undefined ? {} : { discoveryUrl: draft.discoveryUrl }) };
  return parseBrandConfig({ ...body, ...applyDiscovery(draft, await discoverProvider(fetcher, target)) }, uriPolicy);
}

function discoveryUrlOf({ issuer, discoveryUrl }: DiscoveryTarget): string {
  if (discoveryUrl === undefined) {
    if (issuer === undefined) throw invalid('issuer or discoveryUrl: one is required');
    return discoveryUrlFor(issuer);
  }
  // Checked before any request: a document on another origin must not even be asked about this issuer.
  if (issuer !== undefined && originOf(discoveryUrl) !== originOf(issuer)) {
    throw invalid(`discoveryUrl: ${quote(discoveryUrl)} is not on the origin of issuer ${quote(issuer)}`);
  }
  return discoveryUrl;
}

function readDocument(body: unknown, url: string): DiscoveredProvider {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`discoveryUrl: ${url} did not answer a JSON object`);
  }
  const doc = body as Record<string, unknown>;
  const problems: string[] = [];
  const text = (key: string, field: string, required: boolean): string | undefined => {
    const value = doc[key];
    if (typeof value === 'string' && value !== '') return value;
    if (value !== undefined) problems.push(`${field}: discovery "${key}" is not a non-empty string`);
    else if (required) problems.push(`${field}: discovery "${key}" is missing`);
    return undefined;
  };
  const issuer = text('issuer', 'issuer', true);
  const jwksUri = text('jwks_uri', 'jwksUri', true);
  const userinfoEndpoint = text('userinfo_endpoint', 'userinfoEndpoint', false);
  const tokenEndpoint = text('token_endpoint', 'tokenEndpoint', false);
  const endSessionEndpoint = text('end_session_endpoint', 'endSessionEndpoint', false);
  const signingAlgs = doc.id_token_signing_alg_values_supported;
  if (signingAlgs !== undefined && !Array.isArray(signingAlgs)) {
    problems.push('algorithms: discovery "id_token_signing_alg_values_supported" is not a list');
  }
  // HS* and "none" drop out here: a brand verifies with published public keys only.
  const algorithms = Array.isArray(signingAlgs) ? ALGORITHMS.filter((alg) => signingAlgs.includes(alg)) : [];
  // issuer and jwksUri are undefined only when a problem says so; testing them too lets TypeScript know.
  if (problems.length > 0 || issuer === undefined || jwksUri === undefined) throw new ConfigValidationError('BRAND_CONFIG_INVALID', problems);
  return {
    issuer,
    jwksUri,
    ...(userinfoEndpoint === undefined ? {} : { userinfoEndpoint }),
    ...(algorithms.length === 0 ? {} : { algorithms }),
    ...(tokenEndpoint === undefined ? {} : { tokenEndpoint }),
    ...(endSessionEndpoint === undefined ? {} : { endSessionEndpoint }),
  };
}

function issuerMismatch(discovered: string, configured: string): ConfigValidationError {
  return invalid(`issuer: discovery says ${quote(discovered)}, config says ${quote(configured)}`);
}

function invalid(problem: string): ConfigValidationError {
  return new ConfigValidationError('BRAND_CONFIG_INVALID', [problem]);
}

/** `undefined` for a value that is not an absolute URL, so it never equals a real origin. */
function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

const MAX_QUOTED = 200;

/** Document values are brand-controlled: quoted with escapes and clipped before they reach a problem text. */
function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}
