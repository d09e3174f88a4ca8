import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createJsonFetcher, DEFAULT_FETCH_LIMITS } from '../adapters/bounded-fetch';
import { BrandAdminStore } from '../adapters/brand-admin-store';
import type { StoredBrand } from '../adapters/brand-config-repository';
import { checkBrand } from '../adapters/brand-onboarding-check';
import { createDocumentClient } from '../adapters/dynamodb-client';
import { headerValue, json, withErrorResponses } from '../adapters/http-response';
import { applyDiscovery, discoverProvider } from '../adapters/oidc-discovery';
import { readAdminEnvironment } from '../adapters/runtime-environment';
import { createAuthorizerCacheFlusher } from '../adapters/authorizer-cache-flusher';
import { parseBrandConfig, type BrandConfig } from '../core/brand-config';
import { AdminError, RequestError } from '../core/errors';
import { fieldsToDiscover, type BrandConfigDraft } from '../core/provider-presets';
import { readJsonBody } from '../core/request-bodies';

/**
 * The admin API under /v1/admin/brands: list, read, create or replace (optimistic concurrency on `version`
 * through If-Match), disable, and the onboarding check. API Gateway lets only IAM-signed callers through
 * (the admin key in local mode); the caller's identity is recorded on every change.
 */
const env = readAdminEnvironment(process.env);
const uriPolicy = { allowLoopbackHttp: env.allowLoopbackHttp };
const store = new BrandAdminStore(createDocumentClient(env), env.brandTableName, env.auditTableName, env.auditRetentionDays, uriPolicy);
const fetcher = createJsonFetcher({ policy: uriPolicy, limits: DEFAULT_FETCH_LIMITS });
const flushAuthorizerCache = createAuthorizerCacheFlusher(env);

const routes: Readonly<Record<string, (event: APIGatewayProxyEvent, brandId: string) => Promise<APIGatewayProxyResult>>> = {
  'GET /v1/admin/brands': async () => json(200, { brands: (await store.list()).map(summary) }),
  'GET /v1/admin/brands/{brandId}': async (_event, brandId) => versioned(200, await found(brandId)),
  'PUT /v1/admin/brands/{brandId}': async (event, brandId) => {
    const config = await completeConfig({ ...readJson(event), brandId });
    const { stored, diff } = await store.put(config, ifMatch(event), actorOf(event), new Date());
    return versioned(stored.version === 1 ? 201 : 200, stored, { changedFields: Object.keys(diff), ...(await flushIfAsked(event)) });
  },
  'DELETE /v1/admin/brands/{brandId}': async (event, brandId) => {
    const stored = await store.disable(brandId, actorOf(event), new Date());
    return versioned(200, stored, await flushIfAsked(event));
  },
  'POST /v1/admin/brands/{brandId}/check': async (event, brandId) => {
    const { sampleToken } = event.body ? readJson(event) : {};
    if (sampleToken !== undefined && typeof sampleToken !== 'string') throw new RequestError('BODY_INVALID', 'sampleToken must be a string', ['sampleToken: must be a string']);
    return json(200, await checkBrand((await found(brandId)).config, fetcher, sampleToken));
  },
};

export const handler = withErrorResponses(async (event) => {
  const route = routes[`${event.httpMethod} ${event.resource}`];
  if (!route) throw new RequestError('BODY_INVALID', `no admin route ${event.httpMethod} ${event.resource}`);
  return route(event, event.pathParameters?.brandId ?? '');
});

/**
 * Validates the config, filling issuer, JWKS URI and userinfo endpoint from OIDC discovery where the body leaves
 * them out. Everything else is checked first, so a bad config is refused with every problem before any fetch.
 */
async function completeConfig(body: Record<string, unknown>): Promise<BrandConfig> {
  const draft = body as unknown as BrandConfigDraft;
  const missing = fieldsToDiscover(draft);
  if (missing.length === 0 && draft.discoveryUrl === undefined) return parseBrandConfig(body, uriPolicy);
  const placeholders = Object.fromEntries(missing.map((field) => [field, 'https://discovered.example/']));
  parseBrandConfig({ ...placeholders, ...body }, uriPolicy);
  const target = { ...(draft.issuer === undefined ? {} : { issuer: draft.issuer }), ...(draft.discoveryUrl === undefined ? {} : { discoveryUrl: draft.discoveryUrl }) };
  return parseBrandConfig({ ...body, ...applyDiscovery(draft, await discoverProvider(fetcher, target)) }, uriPolicy);
}

/**
 * `?flushAuthorizerCache=true`: the change is already stored; flushing only shortens how long API Gateway keeps
 * serving decisions it cached before it. The authorizer's own config cache still runs out on its TTL.
 */
async function flushIfAsked(event: APIGatewayProxyEvent): Promise<{ authorizerCacheFlushed?: boolean }> {
  if (event.queryStringParameters?.flushAuthorizerCache !== 'true') return {};
  if (!flushAuthorizerCache) return { authorizerCacheFlushed: false };
  await flushAuthorizerCache();
  return { authorizerCacheFlushed: true };
}

async function found(brandId: string): Promise<StoredBrand> {
  const stored = await store.get(brandId);
  if (!stored) throw new AdminError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
  return stored;
}

function readJson(event: APIGatewayProxyEvent): Record<string, unknown> {
  const body = readJsonBody(event.body, event.isBase64Encoded);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError('BODY_INVALID', 'body is not an object', ['body: must be a JSON object']);
  return body as Record<string, unknown>;
}

/** `If-Match: "3"` (or `3`): replace only version 3. Without it, PUT only creates. */
function ifMatch(event: APIGatewayProxyEvent): number | undefined {
  const header = headerValue(event.headers, 'if-match');
  if (header === undefined) return undefined;
  const version = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 1) throw new RequestError('BODY_INVALID', 'If-Match must be a brand version', ['If-Match: must be the version number, e.g. "3"']);
  return version;
}

/** Who signed the request (IAM), as API Gateway reports it. */
function actorOf(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext.identity;
  return identity?.userArn ?? identity?.caller ?? 'unknown';
}

function summary({ config, version, updatedAt }: StoredBrand) {
  return { brandId: config.brandId, displayName: config.displayName, provider: config.provider, status: config.status, issuer: config.issuer, version, updatedAt };
}

function versioned(status: number, stored: StoredBrand, extra: Record<string, unknown> = {}): APIGatewayProxyResult {
  const response = json(status, { ...stored.config, version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy, ...extra });
  response.headers = { ...response.headers, etag: `"${stored.version}"` };
  return response;
}
